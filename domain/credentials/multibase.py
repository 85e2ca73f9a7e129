"""Multibase base58-btc (prefix ``z``) and the Ed25519 Multikey encoding that Data Integrity proofs use.

Base58 is a dozen lines; a dependency for it would be larger than the code.
"""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}
ED25519_PUB_HEADER = b"\xed\x01"  # the multicodec varint of ed25519-pub


class MultibaseError(ValueError):
    pass


def base58btc(data: bytes) -> str:
    """``z`` then base58 (Bitcoin alphabet), each leading zero byte written as ``1``."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(digits))


def from_base58btc(text: str, *, max_length: int = 512) -> bytes:
    if not text.startswith("z") or len(text) > max_length:
        raise MultibaseError("not multibase base58-btc (it starts with 'z')")
    body = text[1:]
    if not body or any(char not in _INDEX for char in body):
        raise MultibaseError("not base58-btc")
    number = 0
    for char in body:
        number = number * 58 + _INDEX[char]
    zeros = len(body) - len(body.lstrip("1"))
    data = b"\0" * zeros + (number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b"")
    if base58btc(data) != text:
        raise MultibaseError("not canonical base58-btc")
    return data


def ed25519_multikey(raw_public_key: bytes) -> str:
    """``publicKeyMultibase`` of an Ed25519 key: base58-btc of the ed25519-pub header and the 32 raw bytes."""
    if len(raw_public_key) != 32:
        raise MultibaseError("an Ed25519 public key is 32 bytes")
    return base58btc(ED25519_PUB_HEADER + raw_public_key)


def ed25519_from_multikey(text: str) -> bytes:
    data = from_base58btc(text)
    if len(data) != 34 or not data.startswith(ED25519_PUB_HEADER):
        raise MultibaseError("not an Ed25519 Multikey")
    return data[2:]
