"""Phone numbers: E.164, read in the regions of their context, in a record or in text alike."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import phonenumbers

from pipelines.extract.countries import REGION_COUNTRIES, countries_named
from pipelines.extract.mentions import Mention
from pipelines.identifiers.cues import PHONE_CUES, cue_before, nearest_cue
from pipelines.text import fold_aligned

MIN_NATIONAL_DIGITS = 6
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{6,18}\d(?![\w])")
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneReading(NamedTuple):
    e164: str
    region: str | None  # the numbering country


def plausible_phone(number: phonenumbers.PhoneNumber) -> bool:
    """Valid for phonenumbers and of at least ``MIN_NATIONAL_DIGITS`` national digits: phonenumbers
    accepts some shorter ones (``+98 9668``), but in police text such a run is the tail of a
    document number (``J 00989668``), not a phone."""
    return phonenumbers.is_valid_number(number) and len(str(number.national_number)) >= MIN_NATIONAL_DIGITS


def _international(raw: str) -> str:
    text = raw.strip()
    return "+" + text[2:] if text.startswith("00") else text


def parse_phone(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """``raw`` as a number of ``region`` (None: only a number written with ``+`` or ``00``), if plausible."""
    try:
        number = phonenumbers.parse(_international(raw), region)
    except phonenumbers.NumberParseException:
        return None
    return number if plausible_phone(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def read_phone(raw: str, regions: Iterable[str] = ()) -> PhoneReading | None:
    """The number ``raw`` stands for, weighing every region it could be read in.

    A number written in international form is read as written. A national one needs a context:
    ``regions`` (most likely first; with none it is not read, as any country's reading would be a
    guess). It is read there and in the countries the region's police meet most
    (:data:`REGION_COUNTRIES`); among the readings where it is valid, the best is: one whose
    national grouping is exactly as written ("(11) 98667-7978" is Brazilian, "9 9019 5628"
    Chilean, "990 195 628" Peruvian), then one in the context, then a mobile (officers note the
    phones persons carry: "900 955 102" of a Peruvian and a Spaniard is the Peruvian's mobile,
    not a Spanish free number), then the context's order. A number valid outside the context
    only, in more than one country, with no grouping to tell, is not read.
    """
    text = _international(raw)
    if text.startswith("+"):
        number = parse_phone(text, None)
        return PhoneReading(_e164(number), phonenumbers.region_code_for_number(number)) if number else None
    context = list(dict.fromkeys(r.upper() for r in regions if r and len(r) == 2))
    if not text or not context:
        return None
    written = " ".join(text.split())
    readings: dict[str, tuple[tuple[bool, bool, bool, int], PhoneReading]] = {}
    for rank, region in enumerate(dict.fromkeys(context + list(REGION_COUNTRIES))):
        number = parse_phone(text, region)
        if number is None:
            continue
        reading = PhoneReading(_e164(number), phonenumbers.region_code_for_number(number))
        grouped = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) == written
        in_context = rank < len(context)
        mobile = phonenumbers.number_type(number) in _MOBILE
        if grouped and in_context and mobile:
            return reading  # no reading can be better
        key = (not grouped, not in_context, not mobile, rank)
        if reading.e164 not in readings or key < readings[reading.e164][0]:
            readings[reading.e164] = (key, reading)
    if not readings:
        return None
    key, best = min(readings.values())
    ungrouped, outside = key[0], key[1]
    if ungrouped and outside and len(readings) > 1:
        return None
    return best


def canonical_phone(raw: str, regions: Iterable[str] = ()) -> str | None:
    """E.164 of a phone number as :func:`read_phone` reads it; None when it cannot be read."""
    reading = read_phone(raw, regions)
    return reading.e164 if reading else None


def phone_regions(named: list[tuple[int, int, str]], start: int, end: int, document_regions: list[str],
                  persons: list[tuple[int, set[str]]]) -> list[str]:
    """Regions to read the national-form number at ``start:end`` in, most likely first.

    The nationalities of the persons named nearest to it, then the countries named nearest to
    it (``named``, from :func:`countries_named`: "argentino", "Perú"), then the document's own.
    """
    nearby = sorted(named, key=lambda n: min(abs(n[0] - end), abs(n[1] - start)))
    by_person = [c for _, countries in sorted(persons, key=lambda p: abs(p[0] - start)) for c in sorted(countries)]
    regions: list[str] = []
    nearby_codes = [n[2] for n in nearby if min(abs(n[0] - end), abs(n[1] - start)) < 250]
    for region in by_person + nearby_codes + document_regions:
        if region and region not in regions:
            regions.append(region)
    return regions


def find_phones(text: str, document_regions: Iterable[str],
                persons: Iterable[tuple[int, set[str]]] = ()) -> Iterator[Mention]:
    """Numbers written with ``+`` or ``00`` anywhere; national ones after a phone cue, nearer than any other."""
    document_regions, persons = list(document_regions), list(persons)
    named: list[tuple[int, int, str]] | None = None  # countries the text names, found once if needed
    for m in _PHONE.finditer(text):
        raw = m.group().strip(" .-")
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        international = raw.startswith(("+", "00"))
        cued = cue_before(PHONE_CUES, text, m.start())
        if not international and not cued:
            continue
        if cued and not international and nearest_cue(text, m.start()) != "phone":
            continue
        regions: list[str] = []
        if not international:
            named = countries_named(fold_aligned(text).lower()) if named is None else named
            regions = phone_regions(named, m.start(), m.end(), document_regions, persons)
        reading = read_phone(raw, regions)
        if reading is None:
            continue
        yield Mention(m.start(), m.start() + len(m.group().rstrip(" .-")), "phone", raw, reading.e164,
                      "phonenumbers", 0.98 if international else 0.93, reading.region)
