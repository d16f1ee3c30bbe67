"""The spiders: what to fetch from polisen.se and from the municipal sites."""
