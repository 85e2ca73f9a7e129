"""The documents of assessments: the LSP certificate and the BK letter PDFs."""
