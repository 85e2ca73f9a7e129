"""Addresses every installation publishes for anyone to verify what it signed."""

# The kredensial root CA's certificate (PEM): every signed PDF's certificate chains to it (infra/documents/signing.py).
ROOT_CERTIFICATE_PATH = "/.well-known/kredensial-root.pem"
