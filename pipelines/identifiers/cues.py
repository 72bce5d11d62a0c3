"""The words an analyst reads before a value that carries no checksum, and which kind's cue is nearest.

The cues of phones, documents and plates are kept together because a finder weighs them against
each other: in "pasaporte N° 719 820006 y un teléfono" the number belongs to the nearer cue.
"""
from __future__ import annotations

import re

CUE_WINDOW = 40  # characters before a value in which its cue word counts

PHONE_CUES = re.compile(r"\b(tel|tél|telf|fono|telefono|teléfono|telefone|téléphone|telephone|telefônico|"
                        r"celular|cel|cell|móvil|movil|mobile|"
                        r"phone|número|numero|number|ligne|línea|linea|line|linha|whatsapp|portable|contacto|contato)\b\.?",
                        re.IGNORECASE)
DOCUMENT_CUES = re.compile(r"\b(pasaporte|passaporte|passport|passeport|documento|document|doc|dni|cpf|rut|run|"
                           r"cuit|cuil|curp|rg|c\.?i|cédula|cedula|id|identidad|identity|identité|n°|no\.|nº)\b",
                           re.IGNORECASE)
PLATE_CUES = re.compile(r"\b(placa|placas|patente|matrícula|matricula|plate|plates|immatricul\w*|plaque|"
                        r"veículo|vehículo|véhicule|vehicle)\b", re.IGNORECASE)


def cue_before(cue: re.Pattern[str], text: str, start: int, window: int = CUE_WINDOW) -> bool:
    return bool(cue.search(text, max(0, start - window), start))


def nearest_cue(text: str, start: int) -> str | None:
    """``phone``, ``document`` or ``plate``: the kind whose cue ends nearest before ``start``."""
    best: tuple[int, str] | None = None
    for name, cue in (("phone", PHONE_CUES), ("document", DOCUMENT_CUES), ("plate", PLATE_CUES)):
        hits = list(cue.finditer(text, max(0, start - CUE_WINDOW), start))
        if hits and (best is None or hits[-1].end() > best[0]):
            best = (hits[-1].end(), name)
    return best[1] if best else None
