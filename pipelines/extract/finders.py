"""Identifiers and dates in free text, without overlaps: each type's finder, strongest first.

The finders live with their types in :mod:`pipelines.identifiers`, so a value found in text gets
the canonical form a record holding it gets. Types that carry a checksum (IBAN, IMEI, VIN, CPF,
CNPJ, RUT, CUIT, CURP, MRZ, Bitcoin, Ethereum mixed case) are taken anywhere; those that do not
(passports, most plates, national numbers) need a cue word nearby, as an analyst would.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from pipelines.extract.mentions import Mention
from pipelines.identifiers.document import find_documents_by_cue, find_mrz
from pipelines.identifiers.email import find_emails
from pipelines.identifiers.iban import find_ibans
from pipelines.identifiers.imei import find_imeis
from pipelines.identifiers.ip import find_ips
from pipelines.identifiers.national_id import find_dotted_dnis, find_national_ids
from pipelines.identifiers.phone import find_phones
from pipelines.identifiers.plate import find_plates
from pipelines.identifiers.vin import find_vins
from pipelines.identifiers.wallet import find_wallets
from pipelines.text import fold_aligned

MONTHS = {
    **dict.fromkeys(["enero", "janeiro", "january", "janvier", "jan"], 1),
    **dict.fromkeys(["febrero", "fevereiro", "february", "fevrier", "feb", "fev"], 2),
    **dict.fromkeys(["marzo", "marco", "march", "mars", "mar"], 3),
    **dict.fromkeys(["abril", "april", "avril", "abr", "apr", "avr"], 4),
    **dict.fromkeys(["mayo", "maio", "may", "mai"], 5),
    **dict.fromkeys(["junio", "junho", "june", "juin", "jun"], 6),
    **dict.fromkeys(["julio", "julho", "july", "juillet", "jul"], 7),
    **dict.fromkeys(["agosto", "august", "aout", "ago", "aug"], 8),
    **dict.fromkeys(["septiembre", "setiembre", "setembro", "september", "septembre", "sep", "set"], 9),
    **dict.fromkeys(["octubre", "outubro", "october", "octobre", "oct", "out"], 10),
    **dict.fromkeys(["noviembre", "novembro", "november", "novembre", "nov"], 11),
    **dict.fromkeys(["diciembre", "dezembro", "december", "decembre", "dic", "dez", "dec"], 12),
}
# A word where a month goes, looked up in MONTHS afterwards (an alternation of every month name
# tried at every word is several times slower).
_MONTH = r"[A-Za-zÀ-ÿ]{3,10}"
_DATE_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/.-])")
_DATE_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_DATE_WORDS = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+(?:de\s+)?({_MONTH})\.?\s+(?:de\s+)?(\d{{4}})\b", re.IGNORECASE)
_DATE_EN = re.compile(rf"(?<![\w])({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b")


def find_dates(text: str) -> Iterator[Mention]:
    def emit(m: re.Match[str], year: str, month: int | str, day: str) -> Iterator[Mention]:
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            return
        if 1900 <= value.year <= 2100:
            yield Mention(m.start(), m.end(), "date", m.group(), value.isoformat(), "pattern:date", 0.95)

    for m in _DATE_ISO.finditer(text):
        yield from emit(m, m.group(1), m.group(2), m.group(3))
    for m in _DATE_NUMERIC.finditer(text):  # day first, as in every language here but US English
        yield from emit(m, m.group(3), m.group(2), m.group(1))
    for m in _DATE_WORDS.finditer(text):
        month = MONTHS.get(fold_aligned(m.group(2)).lower())
        if month:
            yield from emit(m, m.group(3), month, m.group(1))
    for m in _DATE_EN.finditer(text):
        month = MONTHS.get(fold_aligned(m.group(1)).lower())
        if month:
            yield from emit(m, m.group(3), month, m.group(2))


def find_identifiers(text: str, regions: Iterable[str] = (),
                     persons: Iterable[tuple[int, set[str]]] = ()) -> list[Mention]:
    """Every identifier in ``text``, without overlaps.

    ``regions`` are the document's countries (owner, recipients, country of the events);
    ``persons`` the (offset, nationalities) of persons named in it, whose countries come first
    when a phone number is written in national form.
    """
    # Checksummed and distinctive types first: a later, weaker finder never takes their characters.
    found: list[Iterable[Mention]] = [
        find_emails(text), find_mrz(text), find_ibans(text), find_wallets(text), find_vins(text), find_imeis(text),
        find_national_ids(text), find_ips(text), find_dates(text), find_phones(text, regions, persons),
        find_plates(text), find_documents_by_cue(text), find_dotted_dnis(text),
    ]
    kept: list[Mention] = []
    for mentions in found:  # generators: each runs only when its turn comes
        for mention in mentions:
            if not any(mention.overlaps(k) for k in kept):
                kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
