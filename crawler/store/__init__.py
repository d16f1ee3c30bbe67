"""The archive database: its schema (schema.py), writes (archive.py) and reads (read.py)."""
