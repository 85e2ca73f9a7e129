"""The rules of Indonesian credential processes, as aggregates and events (no I/O)."""
