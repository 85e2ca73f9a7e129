"""Open credentials (issue 13): W3C Verifiable Credentials 2.0 that verifiers no one here wrote accept.

The formats are pure: Data Integrity proofs of the ``eddsa-jcs-2022`` cryptosuite (:mod:`.proof`), the
Bitstring Status List and its random indices (:mod:`.status_list`), the issuer's documents (:mod:`.documents`)
and each context's credential (:mod:`.diploma`). The Ed25519 keys that sign them are ``infra/credentials``.
"""
