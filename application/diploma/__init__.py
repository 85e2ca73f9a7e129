"""The diploma context: NINA reservation and pairing (PIN-1..3, PIN-8), annulment (PIN-5), and what SIVIL shows."""
