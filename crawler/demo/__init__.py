"""The offline fixture web: invented municipal and polisen.se sites around the real seed texts."""
