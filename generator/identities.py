"""Identifiers as police data holds them: valid by their check digits, written in every real form."""
from __future__ import annotations

import hashlib
import random
import re
import string
from functools import cache

import phonenumbers
import pycountry
from stdnum import luhn
from stdnum.ar import cuit as ar_cuit
from stdnum.br import cnpj as br_cnpj
from stdnum.br import cpf as br_cpf
from stdnum.cl import rut as cl_rut
from stdnum.es import ccc as es_ccc
from stdnum.es import dni as es_dni

LETTERS = string.ascii_uppercase
DIGITS = string.digits

# Passport number shapes per issuing country (letters L, digits D).
PASSPORT_SHAPES = {
    "AR": "LLLDDDDDD", "BR": "LLDDDDDD", "CL": "DDDDDDDDD", "CO": "LLDDDDDDD", "PE": "DDDDDDDDD",
    "MX": "LDDDDDDDD", "FR": "DDLLDDDDD", "ES": "LLLDDDDDD", "US": "DDDDDDDDD",
}


def digits(rng: random.Random, count: int) -> str:
    """``count`` random decimal digits in one draw."""
    return f"{rng.randrange(10 ** count):0{count}d}"


@cache
def _runs(shape: str) -> tuple[str, ...]:
    return tuple(re.findall(r"L+|D+", shape))


def _shape(rng: random.Random, shape: str) -> str:
    """Letters for ``L`` and digits for ``D``, each run of the shape drawn at once."""
    return "".join("".join(rng.choices(LETTERS, k=len(run))) if run[0] == "L" else digits(rng, len(run))
                   for run in _runs(shape))


def passport_number(rng: random.Random, country: str) -> str:
    return _shape(rng, PASSPORT_SHAPES.get(country, "LLDDDDDDD"))


def written_document_number(rng: random.Random, number: str) -> str:
    """``AAB123456``, ``AAB-123456``, ``AAB 123456``, ``aab123456``."""
    split = next((i for i, c in enumerate(number) if c.isdigit()), 0) or 3
    return rng.choice([number, number, f"{number[:split]}-{number[split:]}", f"{number[:split]} {number[split:]}",
                       number.lower()])


def national_id(rng: random.Random, country: str) -> tuple[str, str, str]:
    """(type, canonical, as usually written) of a national id valid by its check digit."""
    if country == "BR":
        number = digits(rng, 9)
        for weight_start in (10, 11):  # the two CPF check digits
            total = sum(int(d) * w for d, w in zip(number, range(weight_start, 1, -1)))
            number += str(total * 10 % 11 % 10)
        return "cpf", number, br_cpf.format(number)
    if country == "CL":
        base = str(rng.randint(5_000_000, 25_999_999))
        number = base + cl_rut.calc_check_digit(base)
        return "rut", number, cl_rut.format(number)
    if country == "ES":
        base = str(rng.randint(10_000_000, 99_999_999))
        number = base + es_dni.calc_check_digit(base)
        return "dni", number, f"{base}-{number[-1]}"
    if country == "AR" and rng.random() < 0.3:
        number, written = cuit(rng)
        return "cuit", number, written
    if country in ("AR", "PE"):
        number = str(rng.randint(10_000_000, 45_999_999))
        return "dni", number, f"{number[:2]}.{number[2:5]}.{number[5:]}" if country == "AR" else number
    number = digits(rng, 10)
    return "national_id", number, number


_FREE_DIGITS = 6


@cache
def _mobile_prefixes(country: str) -> tuple[int, tuple[str, ...]]:
    """Leading digits of valid mobile numbers of ``country``, found once by trying candidates.

    Numbering plans decide validity on the leading digits, so a valid prefix followed by any
    ``_FREE_DIGITS`` digits is a valid number: cheap to draw, and millions per country.
    """
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None and example.country_code is not None, f"no example mobile for {country}"
    # Chile's metadata example is a fixed-or-mobile Santiago number; its mobiles start with 9.
    national = {"CL": "961234567"}.get(country, str(example.national_number))
    fixed = max(1, len(national) - _FREE_DIGITS - 3)
    rng = random.Random(country)
    prefixes: set[str] = set()
    for _ in range(2000):
        candidate = national[:fixed] + "".join(rng.choice(DIGITS) for _ in range(len(national) - fixed))
        checks = [candidate[:-_FREE_DIGITS] + "".join(rng.choice(DIGITS) for _ in range(_FREE_DIGITS))
                  for _ in range(100)]
        if all(phonenumbers.is_valid_number(phonenumbers.parse(f"+{example.country_code}{c}")) for c in checks):
            prefixes.add(candidate[:-_FREE_DIGITS])
        if len(prefixes) >= 20:
            break
    return example.country_code, tuple(sorted(prefixes)) or (national[:-_FREE_DIGITS],)


def phone(rng: random.Random, country: str) -> str:
    """A valid mobile number of ``country`` in E.164 (every prefix was checked on 100 numbers)."""
    country_code, prefixes = _mobile_prefixes(country)
    return f"+{country_code}{rng.choice(prefixes)}{rng.randrange(10 ** _FREE_DIGITS):0{_FREE_DIGITS}d}"


def warm_up(countries: tuple[str, ...]) -> None:
    """Computes the per-country tables once, before worker processes fork and inherit them."""
    for country in countries:
        _mobile_prefixes(country)


_TEMPLATES: dict[str, tuple[str, ...]] = {}


def _form_templates(head: str, example: str) -> tuple[str, ...]:
    """Written forms of the numbers that start with ``head``, the last digits left as ``{}``.

    Grouping depends on the leading digits only, so one number formatted by phonenumbers gives
    the layout of every number sharing its prefix (one entry per prefix: 20 per country).
    """
    if head not in _TEMPLATES:
        _TEMPLATES[head] = _format_templates(example)
    return _TEMPLATES[head]


def _format_templates(example: str) -> tuple[str, ...]:
    number = phonenumbers.parse(example)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    forms = (example, international, international.replace(" ", "-", 2), international.replace("-", " "), national)
    return tuple(_template(form) for form in forms)


def _template(form: str) -> str:
    chars = list(form.replace("{", "{{").replace("}", "}}"))
    left = _FREE_DIGITS
    for i in range(len(chars) - 1, -1, -1):
        if left and chars[i].isdigit():
            chars[i] = "{}"
            left -= 1
    return "".join(chars)


def written_phone(rng: random.Random, e164: str, national_ok: bool = True) -> str:
    """The number as an officer writes it: international, with dashes, or national."""
    templates = _form_templates(e164[:-_FREE_DIGITS], e164)
    template = rng.choice(templates if national_ok else templates[:-1])
    return template.format(*e164[-_FREE_DIGITS:])


_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
WMI = {"BR": ["9BW", "9BG", "93H"], "AR": ["8AP", "8AJ"], "MX": ["3VW", "3N1"], "US": ["1FT", "1HG", "5YJ"],
       "FR": ["VF1", "VF3"], "ES": ["VSS", "VS6"], "CL": ["9BW", "KMH"], "CO": ["9FB", "MA6"], "PE": ["JTD", "KMH"]}


def vin(rng: random.Random, country: str) -> str:
    """A 17-character VIN with a valid ISO 3779 check digit in position 9."""
    body = rng.choice(WMI.get(country, ["JTD"])) + "".join(rng.choices(_VIN_CHARS, k=14))
    total = sum(_VIN_VALUES[c] * w for c, w in zip(body, _VIN_WEIGHTS))
    check = "X" if total % 11 == 10 else str(total % 11)
    return body[:8] + check + body[9:]


def plate(rng: random.Random, country: str) -> str:
    """A plate in the country's format (Mercosur where it applies, old formats too)."""
    shapes = {
        "BR": ["LLLDLDD", "LLLDDDD"], "AR": ["LLDDDLL", "LLLDDD"], "CL": ["LLLLDD"], "CO": ["LLLDDD"],
        "PE": ["LLLDDD", "LDLDDD"], "MX": ["LLLDDDL"], "FR": ["LLDDDLL"], "ES": ["DDDDLLL"], "US": ["DLLLDDD"],
    }
    return _shape(rng, rng.choice(shapes.get(country, ["LLLDDD"])))


def written_plate(rng: random.Random, value: str) -> str:
    """``BRA2E19``, ``BRA-2E19``, ``BRA 2E19``."""
    return rng.choice([value, value, f"{value[:3]}-{value[3:]}", f"{value[:3]} {value[3:]}"])


def iban(rng: random.Random, country: str) -> str:
    """A valid IBAN (compact) for countries that have them, else a Spanish one."""
    lengths = {"ES": 20, "FR": 23, "BR": 25, "PT": 21}
    code = country if country in lengths else "ES"
    bban = digits(rng, lengths[code])
    if code == "ES":  # the Spanish account code carries two check digits of its own
        bban = bban[:8] + es_ccc.calc_check_digits(bban) + bban[10:]
    if code == "BR":
        bban = bban[:-2] + "C1"
    numeric = "".join(str(int(c, 36)) for c in f"{bban}{code}00")  # ISO 13616: letters count 10..35
    check = 98 - int(numeric) % 97
    return f"{code}{check:02d}{bban}"


def written_iban(rng: random.Random, value: str) -> str:
    grouped = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return rng.choice([value, grouped, grouped])


def cuit(rng: random.Random) -> tuple[str, str]:
    """An Argentine CUIT/CUIL (canonical, written ``20-12345678-3``)."""
    base = rng.choice(["20", "23", "24", "27"]) + f"{rng.randint(10_000_000, 45_999_999)}"
    number = base + ar_cuit.calc_check_digit(base)
    return number, f"{number[:2]}-{number[2:10]}-{number[10]}"


def cnpj(rng: random.Random) -> tuple[str, str]:
    """A Brazilian company number (canonical, written ``12.345.678/0001-95``)."""
    base = digits(rng, 8) + "0001"
    number = base + br_cnpj.calc_check_digits(base)
    return number, f"{number[:2]}.{number[2:5]}.{number[5:8]}/{number[8:12]}-{number[12:]}"


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI with its Luhn check digit."""
    body = rng.choice(["35", "86", "01", "99"]) + digits(rng, 12)
    return body + luhn.calc_check_digit(body)


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def btc_address(rng: random.Random) -> str:
    """A pay-to-pubkey-hash Bitcoin address (Base58Check, version 0): valid by its checksum."""
    payload = b"\x00" + rng.randbytes(20)
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    value = int.from_bytes(payload + checksum, "big")
    encoded = ""
    while value:
        value, digit = divmod(value, 58)
        encoded = _BASE58[digit] + encoded
    return "1" + encoded  # the leading zero byte of the version is written as "1"


def _mrz_check(field: str) -> str:
    values = {**{str(d): d for d in range(10)}, **{c: i + 10 for i, c in enumerate(LETTERS)}, "<": 0}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def mrz_lines(number: str, country: str, family: str, given: str, born: str, sex: str, expires: str) -> tuple[str, str]:
    """The two 44-character lines of an ICAO 9303 TD3 passport, with every check digit.

    ``born`` and ``expires`` are ``YYMMDD``; names are already folded to A–Z.
    """
    found = pycountry.countries.get(alpha_2=country)
    assert found is not None, f"unknown country {country}"
    alpha3 = found.alpha_3
    names = f"{family.replace(' ', '<')}<<{given.replace(' ', '<')}"
    line1 = f"P<{alpha3}{names}"[:44].ljust(44, "<")
    doc = number[:9].ljust(9, "<")
    personal = "<" * 14
    body = f"{doc}{_mrz_check(doc)}{alpha3}{born}{_mrz_check(born)}{sex if sex in 'MF' else '<'}{expires}" \
           f"{_mrz_check(expires)}{personal}{_mrz_check(personal)}"
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1, body + _mrz_check(composite)
