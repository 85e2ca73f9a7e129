"""The diploma context in GraphQL: NINA reservation, pairing, annulment, and the staff views (PIN-1..PIN-8)."""
