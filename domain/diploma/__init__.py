"""National diploma numbering (PIN, NINA) and verification (SIVIL): decree 318/B/HK/2019."""
