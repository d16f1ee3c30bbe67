"""Search over the archive: word indexes (words.py), filters, facet counts and ranking."""
