"""SIVIL outside the API: the key ring, PDF rendering and signing, and the offline PDF verifier."""
