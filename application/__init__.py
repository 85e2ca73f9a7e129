"""Command handling: load aggregates, decide, save, and return the position read models will reach."""
