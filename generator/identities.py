"""Identifiers as police data holds them: valid by their check digits, written in every real form."""
from __future__ import annotations

import random
import string
from functools import lru_cache

import phonenumbers
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


def _shape(rng: random.Random, shape: str) -> str:
    return "".join(rng.choice(LETTERS) if c == "L" else rng.choice(DIGITS) for c in shape)


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
        number = "".join(rng.choice(DIGITS) for _ in range(9))
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
    if country in ("AR", "PE"):
        number = str(rng.randint(10_000_000, 45_999_999))
        return "dni", number, f"{number[:2]}.{number[2:5]}.{number[5:]}" if country == "AR" else number
    number = "".join(rng.choice(DIGITS) for _ in range(10))
    return "national_id", number, number


@lru_cache(maxsize=None)
def _mobile_example(country: str) -> tuple[int, str]:
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    return example.country_code, str(example.national_number)


def phone(rng: random.Random, country: str) -> str:
    """A valid mobile number of ``country`` in E.164: the country's example mobile number with
    its last four digits drawn (numbering plans decide validity on the leading digits)."""
    country_code, national = _mobile_example(country)
    return f"+{country_code}{national[:-4]}{rng.randrange(10_000):04d}"


@lru_cache(maxsize=1 << 16)
def _phone_forms(e164: str) -> tuple[str, ...]:
    number = phonenumbers.parse(e164)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return e164, international, international.replace(" ", "-", 2), international.replace("-", " "), national


def written_phone(rng: random.Random, e164: str, national_ok: bool = True) -> str:
    """The number as an officer writes it: international, with dashes, or national."""
    forms = _phone_forms(e164)
    return rng.choice(forms if national_ok else forms[:-1])


_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
WMI = {"BR": ["9BW", "9BG", "93H"], "AR": ["8AP", "8AJ"], "MX": ["3VW", "3N1"], "US": ["1FT", "1HG", "5YJ"],
       "FR": ["VF1", "VF3"], "ES": ["VSS", "VS6"], "CL": ["9BW", "KMH"], "CO": ["9FB", "MA6"], "PE": ["JTD", "KMH"]}


def vin(rng: random.Random, country: str) -> str:
    """A 17-character VIN with a valid ISO 3779 check digit in position 9."""
    body = rng.choice(WMI.get(country, ["JTD"])) + "".join(rng.choice(_VIN_CHARS) for _ in range(14))
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
    bban = "".join(rng.choice(DIGITS) for _ in range(lengths[code]))
    if code == "ES":  # the Spanish account code carries two check digits of its own
        bban = bban[:8] + es_ccc.calc_check_digits(bban) + bban[10:]
    if code == "BR":
        bban = bban[:-2] + "C1"
    digits = "".join(str(int(c, 36)) for c in f"{bban}{code}00")  # ISO 13616: letters count 10..35
    check = 98 - int(digits) % 97
    return f"{code}{check:02d}{bban}"


def written_iban(rng: random.Random, value: str) -> str:
    grouped = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return rng.choice([value, grouped, grouped])
