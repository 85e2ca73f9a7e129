"""SIVIL: the public verification entries, written when a NINA is paired (PIN-4)."""
