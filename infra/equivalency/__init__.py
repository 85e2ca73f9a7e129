"""The documents of equivalency: the SK, its replacement letter."""
