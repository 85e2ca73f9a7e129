"""The Ed25519 keys behind the open credentials (issue 13): signing, and checking against a DID document."""
