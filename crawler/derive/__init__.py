"""The normalize command over the archive: derive documents, commitments and change events."""
