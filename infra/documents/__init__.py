"""What every signed document of ours shares (issue 33): PDF signing (PAdES, timestamps), PDF/A, fonts, the key
ring, sealing, and the generic PDF and credential verifier. Each context's documents live with that context."""
