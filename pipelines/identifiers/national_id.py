"""National identity numbers (CPF, CNPJ, RUT, CUIT, CURP, DNI/NIE): identity documents whose check digits tell them.

Their canonical value is a document number's (:func:`canonical_document_number`), their country
the one whose rule holds.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stdnum.ar import cuit as ar_cuit
from stdnum.br import cnpj as br_cnpj
from stdnum.br import cpf as br_cpf
from stdnum.cl import rut as cl_rut
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.mx import curp as mx_curp

from pipelines.extract.mentions import Mention
from pipelines.identifiers.cues import DOCUMENT_CUES, cue_before
from pipelines.identifiers.document import canonical_document_number

_CPF = re.compile(r"(?<![\d.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\d-])")
_CNPJ = re.compile(r"(?<![\d.])\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}(?!\d)")
_RUT = re.compile(r"(?<![\d.])\d{1,2}\.\d{3}\.\d{3}-[\dkK](?![\w])")
_CUIT = re.compile(r"(?<![\d-])(?:20|23|24|27|30|33|34)-\d{8}-\d(?![\d-])")
_CURP = re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b")
_ES_DNI = re.compile(r"\b(?:\d{8}|[XYZ]\d{7})-?[A-Z]\b")
_DOTTED_DNI = re.compile(r"(?<![\d.])\d{1,2}\.\d{3}\.\d{3}(?![\d.-])")

_NATIONAL_IDS: list[tuple[re.Pattern[str], Callable[[str], bool], str]] = [
    (_CPF, br_cpf.is_valid, "BR"), (_CNPJ, br_cnpj.is_valid, "BR"), (_RUT, cl_rut.is_valid, "CL"),
    (_CUIT, ar_cuit.is_valid, "AR"), (_CURP, mx_curp.is_valid, "MX"),
    (_ES_DNI, lambda v: es_dni.is_valid(v) or es_nie.is_valid(v), "ES"),
]


def find_national_ids(text: str) -> Iterator[Mention]:
    """Numbers written in a country's usual form whose check digits hold, anywhere in the text."""
    for pattern, is_valid, country in _NATIONAL_IDS:
        for m in pattern.finditer(text):
            value = canonical_document_number(m.group())
            if value and is_valid(m.group()):
                yield Mention(m.start(), m.end(), "identity_document", m.group(), value,
                              f"checksum:id_{country.lower()}", 0.99, country)


def find_dotted_dnis(text: str) -> Iterator[Mention]:
    """12.345.678, an Argentine DNI as usually written: it has no check digit, so only after a document cue."""
    for m in _DOTTED_DNI.finditer(text):
        if cue_before(DOCUMENT_CUES, text, m.start(), 25):
            yield Mention(m.start(), m.end(), "identity_document", m.group(), canonical_document_number(m.group()),
                          "cue:dni", 0.9, "AR")
