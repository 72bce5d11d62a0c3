"""Crypto wallets: Bitcoin (legacy Base58Check and bech32/bech32m) and Ethereum addresses whose checksums hold.

Canonical values: a legacy Bitcoin address as written (its case is part of it), bech32 and
Ethereum addresses in lower case (their case carries no value, only an optional checksum).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from Crypto.Hash import keccak

from pipelines.extract.mentions import Mention

_BTC = re.compile(r"\b(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})\b")
_ETH_SHAPE = "0x[0-9a-fA-F]{40}"
_ETH = re.compile(_ETH_SHAPE)
_ETH_IN_TEXT = re.compile(rf"\b{_ETH_SHAPE}\b")
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _base58check_holds(value: str) -> bool:
    """A legacy P2PKH or P2SH address: version 0x00 or 0x05 and a double-SHA-256 checksum."""
    if not 26 <= len(value) <= 35 or any(c not in _BASE58 for c in value):
        return False
    number = 0
    for char in value:
        number = number * 58 + _BASE58.index(char)
    data = number.to_bytes(25, "big") if number.bit_length() <= 200 else b""
    if len(data) != 25 or data[0] not in (0x00, 0x05):
        return False
    return hashlib.sha256(hashlib.sha256(data[:21]).digest()).digest()[:4] == data[21:]


def _bech32_holds(address: str) -> bool:
    hrp, _, data = address.lower().rpartition("1")
    if hrp != "bc" or not data or any(c not in _BECH32 for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [_BECH32.index(c) for c in data]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            checksum ^= generator if (top >> i) & 1 else 0
    return checksum in (1, 0x2BC830A3)  # bech32 (v0) and bech32m (v1+)


def eth_checksum_holds(address: str) -> bool | None:
    """EIP-55: None when the address is all one case (no checksum written)."""
    body = address[2:]
    if body.lower() == body or body.upper() == body:
        return None
    digest = keccak.new(digest_bits=256, data=body.lower().encode()).hexdigest()
    return all((c.upper() if int(h, 16) >= 8 else c.lower()) == c for c, h in zip(body, digest))


def canonical_wallet(raw: str) -> str | None:
    """The canonical address, or None when it is of no known kind or its checksum fails."""
    value = raw.strip()
    if value.lower().startswith("bc1"):
        return value.lower() if _bech32_holds(value) else None
    if _ETH.fullmatch(value):
        return value.lower() if eth_checksum_holds(value) is not False else None
    return value if _base58check_holds(value) else None


def find_wallets(text: str) -> Iterator[Mention]:
    for m in _BTC.finditer(text):
        value = canonical_wallet(m.group())
        if value:
            yield Mention(m.start(), m.end(), "crypto_wallet", m.group(), value, "checksum:btc", 0.99)
    for m in _ETH_IN_TEXT.finditer(text):
        holds = eth_checksum_holds(m.group())
        if holds is not False:
            yield Mention(m.start(), m.end(), "crypto_wallet", m.group(), m.group().lower(),
                          "checksum:eth" if holds else "pattern:eth", 0.99 if holds else 0.9)
