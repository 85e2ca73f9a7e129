"""SIVIL, the public face of diploma verification (PIN-5, PIN-6, PIN-7)."""
