"""The one normalization of each identifier type: every written form maps to one canonical value.

Canonical forms (``contracts/search-surface.md``): phones E.164, document numbers upper-case
alphanumerics (their issuing country is kept beside them), plates and VINs upper-case
alphanumerics, IBANs compact, e-mail addresses lower-case. A value that cannot be read returns
None rather than a guess.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable

import phonenumbers
from stdnum import iban as std_iban
from stdnum import imei as std_imei

from pipelines.text import compact, fold_accents

_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")
MIN_NATIONAL_DIGITS = 6


def canonical_name(raw: str) -> str:
    """A person's or alias's name as compared across sources: ``José Ó. Pérez-Gómez`` → ``JOSE O PEREZ GOMEZ``."""
    return " ".join(re.sub(r"[-.'’]", " ", fold_accents(raw)).upper().split())


# Joining words of names (DA SILVA, DE LA CRUZ, BEN ALI, Y, E): they tell no person apart.
PARTICLES = frozenset({"DE", "DA", "DO", "DOS", "DAS", "DEL", "LA", "LAS", "LOS", "VAN", "VON", "DI", "LE", "AL",
                       "EL", "BEN", "BIN", "IBN", "Y", "E"})


def name_words(value: str | None) -> list[str]:
    """The words of a name that tell persons apart: folded, no particles, no initials."""
    return [t for t in canonical_name(value or "").split() if t not in PARTICLES and len(t) > 1]


# Spellings that sound alike in Spanish and Portuguese, as officers mishear and mistype them:
# PERES/PEREZ, SILBA/SILVA, MENDOSA/MENDOZA, HERNANDES/HERNANDEZ, ORTIS/ORTIZ, YUSUF/YOUSSEF;
# and the transliterations of one name: MUSTAPHA/MUSTAFA, MICHAIL/MIKHAIL, IOURI/YURI,
# SOKOLOFF/SOKOLOV/SOKOLOW, Pinyin ZHANG/Wade-Giles CHANG. In order: each applies to what the
# ones before it left.
_SOUNDS = [(re.compile(p), r) for p, r in (
    (r"^ZH", "CH"), (r"^H", ""), (r"PH", "F"), (r"(?<=[^CS])H", ""), (r"QU", "K"), (r"C(?=[EI])", "S"), (r"C", "K"),
    (r"KH", "K"), (r"Z", "S"), (r"V", "B"), (r"W", "B"), (r"G(?=[EI])", "J"), (r"LL", "Y"), (r"Y(?=[^AEIOU]|$)", "I"),
    (r"X$", "S"), (r"OU", "U"), (r"^I(?=[AEIOU])", "Y"), (r"(.)\1+", r"\1"), (r"OF$", "OB"))]


def name_sound(word: str) -> str:
    """A name word's sound key: words that differ by these spellings share it (``PERES`` = ``PEREZ``)."""
    key = word.upper()
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


def plausible_phone(number: phonenumbers.PhoneNumber) -> bool:
    """Valid for phonenumbers and of at least ``MIN_NATIONAL_DIGITS`` national digits: phonenumbers
    accepts some shorter ones (``+98 9668``), but in police text such a run is the tail of a
    document number (``J 00989668``), not a phone."""
    return phonenumbers.is_valid_number(number) and len(str(number.national_number)) >= MIN_NATIONAL_DIGITS


def canonical_phone(raw: str, regions: Iterable[str] = ()) -> str | None:
    """E.164 of a phone number; national forms are tried in each candidate region, in order.

    A number written with ``+`` needs no region. Otherwise the first region (the document's
    most likely country) in which the number is plausible wins.
    """
    text = raw.strip()
    if not text:
        return None
    candidates = [None] if text.startswith(("+", "00")) else []
    candidates += [r.upper() for r in regions if r and len(r) == 2]
    for region in candidates:
        try:
            number = phonenumbers.parse(text.replace("00", "+", 1) if text.startswith("00") else text, region)
        except phonenumbers.NumberParseException:
            continue
        if plausible_phone(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def canonical_document_number(raw: str) -> str | None:
    value = compact(raw)
    return value if 4 <= len(value) <= 20 else None


def canonical_plate(raw: str) -> str | None:
    value = compact(raw)
    return value if 2 <= len(value) <= 10 else None


def canonical_vin(raw: str) -> str | None:
    value = compact(raw)
    return value if _VIN.fullmatch(value) else None


def canonical_iban(raw: str) -> str | None:
    value = compact(raw)
    return value if std_iban.is_valid(value) else None


def canonical_email(raw: str) -> str | None:
    value = raw.strip().strip("<>").lower()
    return value if _EMAIL.fullmatch(value) else None


def canonical_imei(raw: str) -> str | None:
    value = re.sub(r"[\s./-]", "", raw)
    return value if std_imei.is_valid(value) and len(value) == 15 else None


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def canonical_btc_address(raw: str) -> str | None:
    """A legacy (Base58Check) Bitcoin address whose checksum holds; case matters, so no folding."""
    value = raw.strip()
    if not 26 <= len(value) <= 35 or any(c not in _BASE58 for c in value):
        return None
    number = 0
    for char in value:
        number = number * 58 + _BASE58.index(char)
    data = number.to_bytes(25, "big") if number.bit_length() <= 200 else b""
    if len(data) != 25 or data[0] not in (0x00, 0x05):
        return None
    checksum = hashlib.sha256(hashlib.sha256(data[:21]).digest()).digest()[:4]
    return value if checksum == data[21:] else None


def canonical_identifier(kind: str, raw: str | None, regions: Iterable[str] = ()) -> str | None:
    """Dispatch on the record type; unknown kinds have no canonical value."""
    if raw is None:
        return None
    if kind == "phone":
        return canonical_phone(raw, regions)
    normalizer = {
        "identity_document": canonical_document_number,
        "plate": canonical_plate,
        "vehicle": canonical_vin,
        "account": canonical_iban,
        "email": canonical_email,
        "imei": canonical_imei,
        "crypto_wallet": canonical_btc_address,
    }.get(kind)
    return normalizer(raw) if normalizer else None
