"""Holder-controlled sharing (issue 34): a holder shares a verification of their own credential by a link and a code.

The rules (SHR) are written in docs/DOMAIN-DECISIONS.md; each is named where it is enforced.
"""
