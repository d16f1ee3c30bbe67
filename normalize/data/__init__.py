"""Reference data the normalizer reads: the municipality registry."""
