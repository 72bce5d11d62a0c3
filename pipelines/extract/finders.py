"""Identifiers in free text: candidates by pattern, kept only when their check digits or context hold.

Each finder returns :class:`Mention` objects with the canonical value of ``pipelines.identifiers``
(the one normalization per type). Types that carry a checksum (IBAN, IMEI, VIN, CPF, CNPJ, RUT,
CUIT, CURP, MRZ, Bitcoin, Ethereum mixed case) are taken anywhere; those that do not (passports,
most plates, national numbers) need a cue word nearby, as an analyst would.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Callable, Iterable, Iterator

import phonenumbers
from stdnum import luhn
from stdnum.ar import cuit as ar_cuit
from stdnum.br import cnpj as br_cnpj
from stdnum.br import cpf as br_cpf
from stdnum.cl import rut as cl_rut
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.mx import curp as mx_curp

from pipelines.extract.countries import REGION_COUNTRIES, countries_named
from pipelines.extract.mentions import Mention
from pipelines.identifiers import (canonical_btc_address, canonical_email, canonical_iban, canonical_imei,
                                   canonical_vin, plausible_phone)
from pipelines.text import compact, fold_aligned

CUE_WINDOW = 40  # characters before a value in which its cue word counts

PHONE_CUES = re.compile(r"\b(tel|tél|telf|fono|telefono|teléfono|telefone|téléphone|telephone|telefônico|celular|cel|cell|móvil|movil|mobile|"
                        r"phone|número|numero|number|ligne|línea|linea|line|linha|whatsapp|portable|contacto|contato)\b\.?",
                        re.IGNORECASE)
DOCUMENT_CUES = re.compile(r"\b(pasaporte|passaporte|passport|passeport|documento|document|doc|dni|cpf|rut|run|"
                           r"cuit|cuil|curp|rg|c\.?i|cédula|cedula|id|identidad|identity|identité|n°|no\.|nº)\b",
                           re.IGNORECASE)
PLATE_CUES = re.compile(r"\b(placa|placas|patente|matrícula|matricula|plate|plates|immatricul\w*|plaque|"
                        r"veículo|vehículo|véhicule|vehicle)\b", re.IGNORECASE)
VIN_CUES = re.compile(r"\b(vin|chasis|chassi|châssis|niv)\b", re.IGNORECASE)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_VIN = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")
_IMEI = re.compile(r"(?<![\d-])\d{2}[ -]?\d{6}[ -]?\d{6}[ -]?\d(?![\d-])")
_BTC = re.compile(r"\b(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71})\b")
_ETH = re.compile(r"\b0x[0-9a-fA-F]{40}\b")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_MRZ_LINE2 = re.compile(r"^([A-Z0-9<]{9})(\d)([A-Z<]{3})(\d{6})(\d)([MF<])(\d{6})(\d)([A-Z0-9<]{14})(\d)(\d)$",
                        re.MULTILINE)
_CPF = re.compile(r"(?<![\d.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\d-])")
_CNPJ = re.compile(r"(?<![\d.])\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}(?!\d)")
_RUT = re.compile(r"(?<![\d.])\d{1,2}\.\d{3}\.\d{3}-[\dkK](?![\w])")
_CUIT = re.compile(r"(?<![\d-])(?:20|23|24|27|30|33|34)-\d{8}-\d(?![\d-])")
_CURP = re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b")
_ES_DNI = re.compile(r"\b(?:\d{8}|[XYZ]\d{7})-?[A-Z]\b")
_DOTTED_DNI = re.compile(r"(?<![\d.])\d{1,2}\.\d{3}\.\d{3}(?![\d.-])")
# Passport and id numbers as written: letters and at least five digits, in up to three groups.
_DOCUMENT_TOKEN = re.compile(r"\b(?=(?:[A-Za-z -]*\d){5})(?:[A-Za-z]{1,3}[ -]?)?[A-Za-z0-9]*\d[A-Za-z0-9]*"
                             r"(?:[ -][A-Za-z0-9]*\d[A-Za-z0-9]*){0,2}\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{6,18}\d(?![\w])")
_PLATE_DISTINCT = [  # shapes no other identifier has: taken without a cue
    (re.compile(r"\b[A-Z]{3}-?\d[A-Z]\d{2}\b"), "BR"),  # Mercosur Brazil: BRA2E19
    (re.compile(r"\b[A-Z]{2} ?\d{3} ?[A-Z]{2}\b"), "AR"),  # Mercosur Argentina: AB 123 CD
    (re.compile(r"\b[A-Z]{2}-\d{3}-[A-Z]{2}\b"), "FR"),  # SIV France: AB-123-CD
    (re.compile(r"\b\d{4} ?[BCDFGHJKLMNPRSTVWXYZ]{3}\b"), "ES"),  # Spain: 1234 BCD
    (re.compile(r"\b[A-Z]{3}-\d{4}\b"), "BR"),  # older Brazilian: ABC-1234
]
_PLATE_WITH_CUE = re.compile(r"\b(?=[A-Z0-9 -]{0,9}\d)(?=[A-Z0-9 -]{0,9}[A-Z])[A-Z0-9]{2,4}(?:[- ]?[A-Z0-9]{1,4}){1,2}\b")
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
               "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
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


def _cue_before(cue: re.Pattern[str], text: str, start: int, window: int = CUE_WINDOW) -> bool:
    return bool(cue.search(text, max(0, start - window), start))


def _mention(match: re.Match[str], kind: str, canonical: str | None, extractor: str, confidence: float,
             country: str | None = None, group: int = 0) -> Mention | None:
    if canonical is None:
        return None
    return Mention(match.start(group), match.end(group), kind, match.group(group), canonical, extractor, confidence,
                   country)


def vin_check_digit_holds(vin: str) -> bool:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    return vin[8] == ("X" if total % 11 == 10 else str(total % 11))


def find_emails(text: str) -> Iterator[Mention]:
    for m in _EMAIL.finditer(text):
        found = _mention(m, "email", canonical_email(m.group().rstrip(".")), "pattern:email", 0.99)
        if found:
            yield found


def find_ibans(text: str) -> Iterator[Mention]:
    for m in _IBAN.finditer(text):
        found = _mention(m, "account", canonical_iban(m.group()), "checksum:iban", 0.99, m.group()[:2])
        if found:
            yield found


def find_vins(text: str) -> Iterator[Mention]:
    for m in _VIN.finditer(text):
        vin = canonical_vin(m.group())
        if vin is None or not (any(c.isalpha() for c in vin) and any(c.isdigit() for c in vin)):
            continue
        if vin_check_digit_holds(vin):
            yield Mention(m.start(), m.end(), "vehicle", m.group(), vin, "checksum:vin", 0.98)
        elif _cue_before(VIN_CUES, text, m.start()):  # European VINs carry no check digit
            yield Mention(m.start(), m.end(), "vehicle", m.group(), vin, "cue:vin", 0.85)


def find_imeis(text: str) -> Iterator[Mention]:
    for m in _IMEI.finditer(text):
        found = _mention(m, "imei", canonical_imei(m.group()), "checksum:imei", 0.97)
        if found:
            yield found


def _eth_checksum_holds(address: str) -> bool | None:
    """EIP-55: None when the address is all one case (no checksum written)."""
    body = address[2:]
    if body.lower() == body or body.upper() == body:
        return None
    try:
        from Crypto.Hash import keccak
    except ImportError:  # pragma: no cover - pycryptodome is a dependency
        return None
    digest = keccak.new(digest_bits=256, data=body.lower().encode()).hexdigest()
    return all((c.upper() if int(h, 16) >= 8 else c.lower()) == c for c, h in zip(body, digest))


def _bech32_holds(address: str) -> bool:
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    hrp, _, data = address.lower().rpartition("1")
    if hrp != "bc" or not data or any(c not in charset for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [charset.index(c) for c in data]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            checksum ^= generator if (top >> i) & 1 else 0
    return checksum in (1, 0x2BC830A3)  # bech32 (v0) and bech32m (v1+)


def find_wallets(text: str) -> Iterator[Mention]:
    for m in _BTC.finditer(text):
        value = m.group()
        canonical = value.lower() if value.lower().startswith("bc1") and _bech32_holds(value) \
            else canonical_btc_address(value)
        found = _mention(m, "crypto_wallet", canonical, "checksum:btc", 0.99)
        if found:
            yield found
    for m in _ETH.finditer(text):
        holds = _eth_checksum_holds(m.group())
        if holds is not False:
            yield Mention(m.start(), m.end(), "crypto_wallet", m.group(), m.group().lower(),
                          "checksum:eth" if holds else "pattern:eth", 0.99 if holds else 0.9)


def find_ips(text: str) -> Iterator[Mention]:
    for m in _IPV4.finditer(text):
        try:
            address = ipaddress.ip_address(m.group())
        except ValueError:
            continue
        yield Mention(m.start(), m.end(), "ip_address", m.group(), str(address), "pattern:ip", 0.95)


def _mrz_check(value: str) -> str:
    weights = (7, 3, 1)
    total = sum((int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55) * weights[i % 3]
                for i, c in enumerate(value))
    return str(total % 10)


def find_mrz(text: str) -> Iterator[Mention]:
    """The document number of an ICAO 9303 passport MRZ (line 2), when its check digits hold."""
    for m in _MRZ_LINE2.finditer(text):
        number, check, nationality = m.group(1), m.group(2), m.group(3)
        if _mrz_check(number) != check or _mrz_check(m.group(4)) != m.group(5) or _mrz_check(m.group(7)) != m.group(8):
            continue
        canonical = number.replace("<", "")
        yield Mention(m.start(1), m.start(1) + len(canonical), "identity_document", canonical, canonical,
                      "checksum:mrz", 0.99, _iso2(nationality))


def _iso2(alpha3: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=alpha3.replace("<", ""))
    return country.alpha_2 if country else None


_NATIONAL_IDS: list[tuple[re.Pattern[str], Callable[[str], bool], str]] = [
    (_CPF, br_cpf.is_valid, "BR"), (_CNPJ, br_cnpj.is_valid, "BR"), (_RUT, cl_rut.is_valid, "CL"),
    (_CUIT, ar_cuit.is_valid, "AR"), (_CURP, mx_curp.is_valid, "MX"),
    (_ES_DNI, lambda v: es_dni.is_valid(v) or es_nie.is_valid(v), "ES"),
]


def find_national_ids(text: str) -> Iterator[Mention]:
    for pattern, is_valid, country in _NATIONAL_IDS:
        for m in pattern.finditer(text):
            if is_valid(m.group()):
                yield Mention(m.start(), m.end(), "identity_document", m.group(), compact(m.group()),
                              f"checksum:id_{country.lower()}", 0.99, country)


def find_documents_by_cue(text: str) -> Iterator[Mention]:
    """Passport and id numbers, which carry no checksum: taken after a document cue word.

    Numbers are looked for only in the 25 characters after each cue (the shape alone, tried at
    every word of the text, costs more than all the other finders).
    """
    taken_until = -1
    for cue in DOCUMENT_CUES.finditer(text):
        for m in _DOCUMENT_TOKEN.finditer(text, max(cue.end(), taken_until)):
            if m.start() > cue.start() + 25:
                break
            taken_until = m.end()
            value = compact(m.group())
            if not 6 <= len(value) <= 12:
                continue
            yield from _document_after_cue(text, m, value)
    for m in _DOTTED_DNI.finditer(text):  # 12.345.678: an Argentine DNI as usually written
        if _cue_before(DOCUMENT_CUES, text, m.start(), 25):
            yield Mention(m.start(), m.end(), "identity_document", m.group(), compact(m.group()), "cue:dni", 0.9, "AR")


def _document_after_cue(text: str, m: re.Match[str], value: str) -> Iterator[Mention]:
    """The document number ``m``, unless a phone cue is nearer to it than the document cue."""
    if _cue_before(PHONE_CUES, text, m.start(), 25) and _nearest_cue(text, m.start()) == "phone":
        return
    yield Mention(m.start(), m.end(), "identity_document", m.group().strip(), value, "cue:document", 0.9)


def _nearest_cue(text: str, start: int) -> str | None:
    best: tuple[int, str] | None = None
    for name, cue in (("phone", PHONE_CUES), ("document", DOCUMENT_CUES), ("plate", PLATE_CUES)):
        hits = list(cue.finditer(text, max(0, start - CUE_WINDOW), start))
        if hits and (best is None or hits[-1].end() > best[0]):
            best = (hits[-1].end(), name)
    return best[1] if best else None


def find_plates(text: str) -> Iterator[Mention]:
    seen: set[tuple[int, int]] = set()
    for pattern, country in _PLATE_DISTINCT:
        for m in pattern.finditer(text):
            if (m.start(), m.end()) not in seen:
                seen.add((m.start(), m.end()))
                cued = _cue_before(PLATE_CUES, text, m.start())
                yield Mention(m.start(), m.end(), "plate", m.group(), compact(m.group()),
                              "shape:plate", 0.95 if cued else 0.8, country)
    for m in _PLATE_WITH_CUE.finditer(text):
        value = compact(m.group())
        # The look-aheads see the digit of the next word: "2010 WHITE 9WOK132" is no plate WHITE.
        if (m.start(), m.end()) in seen or not 5 <= len(value) <= 8 or value.isalpha():
            continue
        if _cue_before(PLATE_CUES, text, m.start(), 25) and _nearest_cue(text, m.start()) == "plate":
            yield Mention(m.start(), m.end(), "plate", m.group(), value, "cue:plate", 0.9)


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
    document_regions, persons = list(document_regions), list(persons)
    named: list[tuple[int, int, str]] | None = None  # countries the text names, found once if needed
    for m in _PHONE.finditer(text):
        raw = m.group().strip(" .-")
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        international = raw.startswith(("+", "00"))
        cued = _cue_before(PHONE_CUES, text, m.start())
        if not international and not cued:
            continue
        if cued and not international and _nearest_cue(text, m.start()) != "phone":
            continue
        regions: list[str] = []
        if not international:
            named = countries_named(fold_aligned(text).lower()) if named is None else named
            regions = phone_regions(named, m.start(), m.end(), document_regions, persons)
        number = _parse_phone(raw, regions)
        if number is None:
            continue
        e164, region = number
        yield Mention(m.start(), m.start() + len(m.group().rstrip(" .-")), "phone", raw, e164,
                      "phonenumbers", 0.98 if international else 0.93, region)


_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse_phone(raw: str, regions: list[str]) -> tuple[str, str | None] | None:
    """E.164 and region of ``raw``, weighing every region it could be read in.

    A number written in international form is read as written. A national one is read in
    ``regions`` (the context's, most likely first) and in the countries the region's police
    meet most (:data:`REGION_COUNTRIES`); among the readings where it is valid, the best is:
    one whose national grouping is exactly as written ("(11) 98667-7978" is Brazilian,
    "9 9019 5628" Chilean, "990 195 628" Peruvian), then one in the context, then a mobile
    (officers note the phones persons carry: "900 955 102" of a Peruvian and a Spaniard is the
    Peruvian's mobile, not a Spanish free number), then the context's order. A number valid
    outside the context only, in more than one country, with no grouping to tell, is not read.
    """
    text = "+" + raw[2:] if raw.startswith("00") else raw
    if text.startswith("+"):
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            return None
        if not plausible_phone(number):
            return None
        return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                phonenumbers.region_code_for_number(number))
    written = " ".join(text.split())
    readings: dict[str, tuple[tuple[bool, bool, bool, int], str | None]] = {}
    candidates = list(dict.fromkeys(list(regions) + list(REGION_COUNTRIES)))
    for rank, region in enumerate(candidates):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if not plausible_phone(number):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        grouped = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL) == written
        in_context = rank < len(regions)
        mobile = phonenumbers.number_type(number) in _MOBILE
        if grouped and in_context and mobile:
            return e164, phonenumbers.region_code_for_number(number)  # no reading can be better
        key = (not grouped, not in_context, not mobile, rank)
        if e164 not in readings or key < readings[e164][0]:
            readings[e164] = (key, phonenumbers.region_code_for_number(number))
    if not readings:
        return None
    best = min(readings, key=lambda e164: readings[e164][0])
    grouped, in_context = not readings[best][0][0], not readings[best][0][1]
    if not grouped and not in_context and len(readings) > 1:
        return None
    return best, readings[best][1]


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
        find_plates(text), find_documents_by_cue(text),
    ]
    kept: list[Mention] = []
    for mentions in found:  # generators: each runs only when its turn comes
        for mention in mentions:
            if not any(mention.overlaps(k) for k in kept):
                kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
