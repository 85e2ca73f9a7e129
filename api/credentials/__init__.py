"""The issuer's public routes (issue 13): DID document, context, status lists and annulment statements."""
