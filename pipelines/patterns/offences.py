"""One offence taxonomy for texts in Spanish, Portuguese, English and French.

An offence is written freely ("Tráfico ilícito de drogas", "TRAFIC DE STUPEFIANTS", "drug
trafficking", "Roubo qualificado"); each category below lists word stems that name it in the
four languages, matched on the folded text (lower case, no accents, one space between words).
A stem is a whole word, or the start of one where it ends with ``*``
("drug*": drugs, drug-related). The more specific categories come first: "robo de vehículo" is
vehicle theft before it is robbery, "secuestro extorsivo" kidnapping before extortion.
"""
from __future__ import annotations

import re

from normality import ascii_text

UNCLASSIFIED = "unclassified"

CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vehicle_theft", ("vehicle theft", "stolen vehicle", "car theft", "robo de vehiculo", "hurto de vehiculo",
                       "robo de auto", "roubo de veiculo", "furto de veiculo", "vol de vehicule", "vol de voiture")),
    ("travel_document", ("stolen passport", "lost passport", "stolen travel document", "pasaporte robado",
                         "pasaporte extraviado", "passaporte roubado", "passaporte extraviado", "passeport vole",
                         "passeport perdu")),
    ("human_trafficking", ("human trafficking", "trafficking in persons", "trafficking of persons", "trata de personas",
                           "trata de pessoas", "trafico de pessoas", "trafico de personas", "traite des etres humains",
                           "traite d etres humains")),
    ("migrant_smuggling", ("migrant smuggling", "people smuggling", "trafico de migrantes",
                           "trafico ilicito de migrantes", "contrabando de migrantes", "promocao de migracao ilegal",
                           "trafic de migrants", "aide a l entree irreguliere")),
    ("drug_trafficking", ("drug*", "narcotic*", "cocaine", "heroin", "cannabis", "marijuana", "estupefaciente*",
                          "narcotrafico", "trafico de drogas", "trafico ilicito de drogas",
                          "trafico internacional de drogas", "droga*", "entorpecente*", "cocaina", "marihuana",
                          "maconha", "stupefiant*", "trafic de drogue*")),
    ("arms_trafficking", ("arms trafficking", "firearms trafficking", "weapons trafficking", "trafico de armas",
                          "trafic d armes")),
    ("money_laundering", ("money laundering", "laundering", "lavado de activos", "lavado de dinero", "blanqueo",
                          "lavagem de dinheiro", "lavagem de capitais", "blanchiment")),
    ("kidnapping", ("kidnap*", "abduction", "hostage", "secuestro", "sequestro", "enlevement", "prise d otage",
                    "rapt")),
    ("homicide", ("homicide", "murder*", "manslaughter", "homicidio", "asesinato", "feminicidio", "assassinato",
                  "latrocinio", "meurtre", "assassinat")),
    ("robbery", ("robbery", "armed robbery", "robo", "asalto", "atraco", "roubo", "assalto", "vol a main armee",
                 "braquage", "vol avec violence")),
    ("document_fraud", ("document fraud", "forgery", "forged", "counterfeit document", "falsificacion",
                        "falsificacao", "documento falso", "faux et usage de faux", "faux document", "usage de faux",
                        "contrefacon de document")),
    ("smuggling", ("smuggling", "contraband", "contrabando", "descaminho", "contrebande")),
    ("fraud", ("fraud*", "swindle", "scam", "estafa", "fraude", "estelionato", "escroquerie")),
    ("extortion", ("extortion", "blackmail", "extorsion", "extorsao", "chantage")),
    ("cybercrime", ("cybercrime", "hacking", "ransomware", "phishing", "delito informatico", "crime cibernetico",
                    "cybercriminalite", "piratage")),
    ("terrorism", ("terroris*",)),
    ("sexual_offence", ("rape", "sexual assault", "sexual abuse", "child sexual", "violacion", "abuso sexual",
                        "estupro", "viol", "agression sexuelle")),
    ("corruption", ("corruption", "bribery", "bribe", "corrupcion", "cohecho", "soborno", "corrupcao", "propina",
                    "corruption active")),
    ("theft", ("theft", "burglary", "larceny", "hurto", "furto", "vol", "cambriolage")),
    ("assault", ("assault", "battery", "lesiones", "agresion", "lesao corporal", "agressao", "coups et blessures",
                 "agression")),
)

_FOLD = re.compile(r"[^a-z0-9]+")


def _stem(stem: str) -> str:
    return re.escape(stem[:-1]) if stem.endswith("*") else re.escape(stem) + r"\b"


_PATTERNS = tuple((category, re.compile(r"\b(?:" + "|".join(_stem(s) for s in stems) + ")"))
                  for category, stems in CATEGORIES)


def fold(text: str) -> str:
    """Lower case, accents dropped, every run of other characters one space: "Vol à main-armée" →
    "vol a main armee"."""
    return " " + _FOLD.sub(" ", (ascii_text(text) or "").lower()).strip() + " "


def offence_category(text: str | None) -> str:
    """The category of an offence as written, or ``unclassified``: the first category (in the
    order above) one of whose stems is found in the text."""
    if not text:
        return UNCLASSIFIED
    folded = fold(text)
    for category, pattern in _PATTERNS:
        if pattern.search(folded):
            return category
    return UNCLASSIFIED
