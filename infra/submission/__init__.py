"""The documents of submissions: the DPI PDF."""
