"""Identifier types, one module each: how a value is found in text, checked, and written canonically.

A value gets one canonical form whether a structured record holds it or a text names it: the
record's ``canonical_*`` function is the one its finder applies. Canonical forms
(``contracts/search-surface.md``): phones E.164, document numbers upper-case alphanumerics (their
issuing country is kept beside them), plates and VINs upper-case alphanumerics, IBANs compact,
e-mail addresses lower-case. A value that cannot be read returns None rather than a guess.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from pipelines.identifiers.document import canonical_document_number
from pipelines.identifiers.email import canonical_email
from pipelines.identifiers.iban import canonical_iban
from pipelines.identifiers.imei import canonical_imei
from pipelines.identifiers.ip import canonical_ip_address
from pipelines.identifiers.phone import canonical_phone
from pipelines.identifiers.plate import canonical_plate
from pipelines.identifiers.vin import canonical_vin
from pipelines.identifiers.wallet import canonical_wallet

# The record and mention types that are identifiers: one entity per canonical value (a date is a
# mention but no identifier: it is no entity).
IDENTIFIER_TYPES = ("phone", "email", "identity_document", "vehicle", "plate", "account", "imei", "crypto_wallet",
                    "ip_address")

_CANONICAL: dict[str, Callable[[str], str | None]] = {
    "email": canonical_email, "identity_document": canonical_document_number, "vehicle": canonical_vin,
    "plate": canonical_plate, "account": canonical_iban, "imei": canonical_imei, "crypto_wallet": canonical_wallet,
    "ip_address": canonical_ip_address,
}


def canonical_identifier(kind: str, raw: str | None, regions: Iterable[str] = ()) -> str | None:
    """Dispatch on the record type; ``regions`` read a phone in national form; other kinds have no canonical value."""
    if raw is None:
        return None
    if kind == "phone":
        return canonical_phone(raw, regions)
    normalizer = _CANONICAL.get(kind)
    return normalizer(raw) if normalizer else None
