"""Student eligibility: may a NINA be reserved or paired, and if not, which rule ids fail (PIN-8)."""
