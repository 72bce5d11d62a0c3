"""The records of every source, built from the synthetic world, with the truth they plant.

Each builder takes the world and a record number and returns the record (as the source writes
it) and the persons it is about; text builders also return the spans they planted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import orjson

from generator import identities as ids
from generator.dice import Dice
from generator.mime import message_bytes
from generator.office import text_docx
from generator.pdf import text_pdf
from generator.people import ALIASES, COUNTRIES, LANGUAGE, Person, fold, person, written_name
from generator.prose import FAMILIES, prose_values, sentence_template
from generator.texts import (
    ATTACHMENT_TEMPLATES,
    MESSAGE_TEMPLATES,
    NATIONALITY,
    OFFENCES,
    PLACES,
    REPORT_TEMPLATES,
    SUBJECTS,
    Span,
    pick,
    render,
    slots_of,
)
from pipelines.truth import PLANTED, truth_file

NCB = {c: f"ncb.{c.lower()}@{c.lower()}.example.org" for c in COUNTRIES}
CENTRES = {"AR": (-34.6, -58.4), "BR": (-23.5, -46.6), "CL": (-33.4, -70.6), "CO": (4.7, -74.1), "PE": (-12.0, -77.0),
           "MX": (19.4, -99.1), "FR": (48.9, 2.35), "ES": (40.4, -3.7), "US": (25.8, -80.2)}
SLTD_COLUMNS = ["document_number", "document_type", "issuing_country", "status", "reported_date", "reporting_country",
                "holder_family_name", "holder_given_names", "holder_date_of_birth"]
SMV_COLUMNS = ["vin", "plate", "plate_country", "make", "model", "year", "colour", "theft_date", "reporting_country"]
NOMINAL_COLUMNS = ["person_id", "family_name", "given_names", "aliases", "date_of_birth", "sex", "nationalities",
                   "passport_numbers", "id_numbers", "phones", "emails", "addresses", "offences", "reporting_country"]
ACCESS_COLUMNS = ["owner_country", "restricted_to", "classification"]
MAKES = [("TOYOTA", "HILUX"), ("VOLKSWAGEN", "GOL"), ("CHEVROLET", "ONIX"), ("FORD", "RANGER"), ("NISSAN", "FRONTIER"),
         ("RENAULT", "DUSTER"), ("HYUNDAI", "TUCSON"), ("FIAT", "STRADA"), ("PEUGEOT", "208"), ("KIA", "SPORTAGE")]
COLOURS = {"es": ["BLANCO", "NEGRO", "GRIS", "ROJO", "AZUL"], "pt": ["BRANCO", "PRETO", "PRATA", "VERMELHO", "AZUL"],
           "en": ["WHITE", "BLACK", "SILVER", "RED", "BLUE"], "fr": ["BLANC", "NOIR", "GRIS", "ROUGE", "BLEU"]}


def json_line(value: Any) -> str:
    """One JSON line, non-ASCII kept; dates as ``str`` writes them. orjson: the generator writes
    about seven lines of truth per record, and ``json.dumps`` was a tenth of its time."""
    return orjson.dumps(value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


class Truth:
    """What one chunk planted: ``truth/<kind>/<shard>.jsonl``, one shard per chunk of output."""

    def __init__(self, home: Path, shard: str) -> None:
        self.rows: dict[str, list[str]] = {kind: [] for kind in PLANTED}
        self.home = home
        self.shard = shard

    def write(self, kind: str, row: dict[str, Any]) -> None:
        self.rows[kind].append(json_line(row))

    def flush(self) -> None:
        for kind, rows in self.rows.items():
            path = truth_file(self.home, kind, self.shard)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")


def population_for(size: int) -> int:
    """About four records per person, so that persons recur across sources."""
    return max(40, size // 4)


class World:
    """Shared state of one generation: the seed, the population and the dirty-input dice."""

    def __init__(self, seed: int, size: int, dirty_rate: float, truth: Truth) -> None:
        self.seed = seed
        self.population = population_for(size)
        self.dirty_rate = dirty_rate
        self.truth = truth
        self.dirty = 0

    def rng(self, *parts: object) -> random.Random:
        return Dice("|".join(map(str, (self.seed, *parts))))

    def someone(self, rng: random.Random) -> Person:
        return person(self.seed, rng.randrange(self.population))

    def associate(self, rng: random.Random, of: Person) -> Person:
        """Another member of the same group (the network that resolution should surface)."""
        base = of.group * 4
        choices = [i for i in range(base, min(base + 4, self.population)) if i != of.index]
        return person(self.seed, rng.choice(choices)) if choices else self.someone(rng)

    def access(self, rng: random.Random, owner: str, recipients: list[str] | None = None) -> dict[str, Any]:
        """As in life: most records official and open to all, some restricted, a few confidential."""
        roll = rng.random()
        if recipients is not None and roll < 0.7:
            return {"owner_country": owner, "restricted_to": recipients, "classification": "restricted"}
        if roll < 0.75:
            return {"owner_country": owner, "restricted_to": [], "classification": "official"}
        if roll < 0.85:
            return {"owner_country": owner, "restricted_to": [], "classification": "public"}
        if roll < 0.96:
            others = rng.sample([c for c in COUNTRIES if c != owner], rng.randint(1, 3))
            return {"owner_country": owner, "restricted_to": others, "classification": "restricted"}
        return {"owner_country": owner, "restricted_to": [], "classification": "confidential"}

    def dirt(self, source: str, n: int) -> random.Random | None:
        """The dice of what is wrong with record ``n``, or None for a clean record (the first never
        is: the demo looks it up). A hash decides, so the ~99 % clean records seed no generator."""
        if n == 0:
            return None
        key = f"{self.seed}|dirt|{source}|{n}".encode()
        roll = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2 ** 64
        return Dice(key) if roll < self.dirty_rate else None

    def plant_bad(self, source: str, file: str, position: int | str, kind: str) -> None:
        self.dirty += 1
        self.truth.write("bad_inputs", {"source": source, "file": file, "position": position, "kind": kind})


def _date(rng: random.Random, start: dt.date = dt.date(2022, 1, 1), days: int = 1000) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def record_truth(world: World, source: str, source_id: str, persons: list[Person], owner: str) -> None:
    world.truth.write("records", {"source": source, "source_id": source_id, "owner_country": owner,
                                  "person_ids": [p.person_id for p in persons]})
    if len(persons) > 1:
        for other in persons[1:]:
            world.truth.write("links", {"source": source, "source_id": source_id, "src": persons[0].person_id,
                                        "dst": other.person_id, "relation": "associated_with"})


# ------------------------------------------------------------------------------------ JSON lines


def _person_fields(rng: random.Random, who: Person) -> dict[str, Any]:
    dob = who.born.strftime("%Y/%m/%d") if rng.random() < 0.9 else str(who.born.year)
    return {
        "forename": fold(who.given_names) if rng.random() < 0.5 else who.given_names,
        "name": fold(who.family_name) if rng.random() < 0.5 else who.family_name,
        "date_of_birth": dob, "sex_id": who.sex, "nationalities": [who.nationality],
        "country_of_birth_id": who.nationality, "place_of_birth": fold(rng.choice(PLACES[who.nationality])).upper(),
        "aliases": [{"forename": "", "name": who.alias}] if who.alias else [],
        "identity_documents": [{"type": "passport", "number": ids.written_document_number(rng, who.passport),
                                "issuing_country": who.nationality}],
        "phones": [ids.written_phone(rng, p, national_ok=False) for p in who.phones],
        "distinguishing_marks": "", "languages_spoken_ids": [{"pt": "POR", "fr": "FRE", "en": "ENG"}.get(
            LANGUAGE[who.nationality], "SPA")],
    }


def notice(world: World, n: int) -> tuple[dict[str, Any], list[Person]]:
    rng = world.rng("notice", n)
    who = person(world.seed, 0) if n == 0 else world.someone(rng)
    kind = rng.choices(["red", "yellow", "blue", "black", "green", "orange", "purple", "silver"],
                       [60, 12, 10, 2, 8, 3, 2, 3])[0]
    owner = who.nationality if rng.random() < 0.6 else rng.choice(COUNTRIES)
    record = {"notice_id": f"{2022 + n % 4}/{10000 + n}", "notice_type": kind,
              "date_published": _date(rng).isoformat(), **_person_fields(rng, who),
              "arrest_warrants": [{"issuing_country_id": owner, "charge": pick(rng, OFFENCES, LANGUAGE[owner])}]
              if kind == "red" else []}
    return {**record, **world.access(rng, owner)}, [who]


def _sent_between_bureaus(world: World, kind: str, n: int, most_recipients: int):
    """The dice, a person and an associate, a sending country and its chosen recipients."""
    rng = world.rng(kind, n)
    main = world.someone(rng)
    other = world.associate(rng, main)
    sender = rng.choice(COUNTRIES)
    recipients = rng.sample([c for c in COUNTRIES if c != sender], rng.randint(1, most_recipients))
    return rng, main, other, sender, recipients


def diffusion(world: World, n: int) -> tuple[dict[str, Any], list[Person]]:
    rng, who, partner, issuer, recipients = _sent_between_bureaus(world, "diffusion", n, 4)
    language = LANGUAGE[issuer]
    template = {"es": "Buscado por {offence}. Sería socio de {name2}.",
                "pt": "Procurado por {offence}. Seria comparsa de {name2}.",
                "en": "Wanted for {offence}. Believed to be an associate of {name2}.",
                "fr": "Recherché pour {offence}. Serait un complice de {name2}."}[language]
    record = {"diffusion_id": f"{issuer}-{2022 + n % 4}-{n:05d}", "diffusion_type": rng.choice(
        ["wanted", "wanted", "missing", "information", "warning"]), "issuing_country": issuer,
        "date_sent": _date(rng).isoformat(), **_person_fields(rng, who)}
    offence = pick(rng, OFFENCES, language).lower()
    partner_name = written_name(rng, partner)
    record["summary"], spans = render(template, {"offence": (offence, offence, None),
                                                 "name2": (partner_name, partner.full_name, partner.person_id)})
    # The partner is named in free text only: planted as a text mention, as a report's names are.
    mention_truth(world, "diffusions", record["diffusion_id"], "summary", spans)
    return {**record, **world.access(rng, issuer, recipients)}, [who, partner]


def _mrz(who: Person) -> tuple[str, str]:
    return ids.mrz_lines(who.passport, who.nationality, fold(who.family_name).replace("-", " "),
                         fold(who.given_names), who.born.strftime("%y%m%d"), who.sex,
                         f"{(who.born.year + 40) % 100:02d}0101")


def slot_values(rng: random.Random, main: Person, other: Person, country: str, language: str,
                 needed: set[str]) -> dict[str, tuple[str, str, str | None]]:
    """(as written, canonical, person id) for each slot a template uses, and only those."""
    drawn: list[tuple[str, str, str]] = []

    def vehicle() -> tuple[str, str, str]:  # one vehicle per text, drawn when first needed
        if not drawn:
            drawn.append(main.vehicle or (ids.vin(rng, country), ids.plate(rng, country), country))
        return drawn[0]

    owner_of_vehicle = main.person_id if main.vehicle else None
    email = main.email or f"{fold(main.family[0]).lower()}@mail.com"
    makers: dict[str, Callable[[], tuple[str, str, str | None]]] = {
        "name": lambda: (written_name(rng, main), main.full_name, main.person_id),
        "name2": lambda: (written_name(rng, other), other.full_name, other.person_id),
        "phone": lambda: (lambda e164: (ids.written_phone(rng, e164), e164, main.person_id))(rng.choice(main.phones)),
        "passport": lambda: (ids.written_document_number(rng, main.passport), main.passport, main.person_id),
        "plate": lambda: (lambda v: (ids.written_plate(rng, v[1]), v[1], owner_of_vehicle))(vehicle()),
        "vin": lambda: (lambda v: (v[0], v[0], owner_of_vehicle))(vehicle()),
        "iban": lambda: (lambda a: (ids.written_iban(rng, a), a, main.person_id if main.iban else None))(
            main.iban or ids.iban(rng, main.nationality)),
        "email": lambda: (email, email, main.person_id),
        "imei": lambda: (lambda i: (i, i, main.person_id if main.imei else None))(main.imei or ids.imei(rng)),
        "wallet": lambda: (lambda w: (w, w, main.person_id if main.wallet else None))(
            main.wallet or ids.btc_address(rng)),
        "mrz": lambda: ("\n".join(_mrz(main)), main.passport, main.person_id),
        "place": lambda: (lambda p: (p, p, None))(rng.choice(PLACES[country])),
        # An alias only this text knows is noise, as in life: no person is attached to it.
        "alias": lambda: (lambda a: (a, a, main.person_id if main.alias else None))(main.alias or rng.choice(ALIASES)),
        "nat": lambda: (NATIONALITY[language][main.nationality], main.nationality, None),
        "ref": lambda: (f"{rng.randint(100, 9999)}/{rng.randint(2022, 2025)}", "", None),
    }
    return {slot: makers[slot]() for slot in sorted(needed)}


def field_truth(world: World, source: str, source_id: str, record: dict[str, Any], persons: list[Person]) -> None:
    for field, entity_type, text, canonical, person_id in field_mentions(source, record, persons):
        world.truth.write("mentions", {"source": source, "source_id": source_id, "field": field, "start": None,
                                       "end": None, "entity_type": entity_type, "text": text,
                                       "canonical": canonical, "person_id": person_id})


def mention_truth(world: World, source: str, source_id: str, field: str, spans: list[Span]) -> None:
    for s in spans:
        world.truth.write("mentions", {"source": source, "source_id": source_id, "field": field, "start": s.start,
                                       "end": s.end, "entity_type": s.entity_type, "text": s.text,
                                       "canonical": s.canonical, "person_id": s.person_id})


def with_prose(world: World, kind: str, n: int, template: str, language: str,
               known: list[Person]) -> tuple[str, dict[str, tuple[str, str, str | None]]]:
    """``template`` with, six times in ten, a sentence of prose (:mod:`generator.prose`) naming persons
    no record holds: after a report's narrative, as its own paragraph in a message. The slot
    values come from a die of their own, so the rest of the record is drawn as before."""
    rng = world.rng("prose", kind, n)
    if n == 0 or rng.random() >= 0.6:
        return template, {}
    _, sentence = sentence_template(rng, language, FAMILIES)
    if kind == "message" and template.count("\n\n") >= 2:
        head, rest = template.split("\n\n", 2)[:2], template.split("\n\n", 2)[2]
        template = "\n\n".join([*head, sentence, rest])
    else:
        template = f"{template} {sentence}"
    return template, prose_values(rng, language, sentence,
                                  [(written_name(rng, p), p.full_name, p.person_id) for p in known])


def _names(values: dict[str, tuple[str, str, str | None]], who: Person) -> bool:
    return any(person_id == who.person_id for _, _, person_id in values.values())


def report(world: World, n: int) -> tuple[dict[str, Any], list[Person]]:
    rng = world.rng("report", n)
    main = world.someone(rng)
    other = world.associate(rng, main)
    country = rng.choice(COUNTRIES)
    language = LANGUAGE[country]
    template = pick(rng, REPORT_TEMPLATES, language)
    values = slot_values(rng, main, other, country, language, slots_of(template))
    template, prose = with_prose(world, "report", n, template, language, [other])
    narrative, spans = render(template, {**values, **prose})
    lat, lon = CENTRES[country]
    report_id = f"{country}-{n:07d}"
    # The first place the narrative names; [] (as ever) when it names nothing planted.
    place: Any = spans and next((s.text for s in spans if s.entity_type == "location"), None)
    record = {"report_id": report_id, "country": country, "agency": f"Policía {country}" if language == "es" else
              {"pt": "Polícia Federal", "en": "Police Department", "fr": "Police nationale"}[language],
              "reported_at": dt.datetime.combine(_date(rng), dt.time(rng.randrange(24), rng.randrange(60)))
              .replace(tzinfo=dt.timezone(dt.timedelta(hours=-3))).isoformat(),
              "offence": pick(rng, OFFENCES, language), "title": pick(rng, OFFENCES, language),
              "narrative": narrative, "place": place,
              "lat": round(lat + rng.uniform(-0.5, 0.5), 4), "lon": round(lon + rng.uniform(-0.5, 0.5), 4)}
    if rng.random() < 0.7:
        record["language"] = language
    mention_truth(world, "reports", report_id, "narrative", spans)
    persons = [main] + ([other] if "{name2}" in template or _names(prose, other) else [])
    return {**record, **world.access(rng, country)}, persons


JSONL_BUILDERS: dict[str, tuple[str, Callable[[World, int], tuple[dict[str, Any], list[Person]]]]] = {
    "notices": ("notice_id", notice), "diffusions": ("diffusion_id", diffusion), "reports": ("report_id", report),
}


def dirty_json(rng: random.Random, record: dict[str, Any], id_field: str) -> tuple[str, str]:
    """A bad line and what is wrong with it."""
    kind = rng.choice(["truncated", "missing_id", "impossible_date", "unknown_country"])
    if kind == "truncated":
        line = json_line(record)
        return line[: rng.randint(10, len(line) - 5)], kind
    broken = dict(record)
    if kind == "missing_id":
        broken.pop(id_field)
    elif kind == "impossible_date":
        broken["date_of_birth" if "date_of_birth" in broken else "reported_at"] = "1980/02/31" \
            if "date_of_birth" in broken else "2024-02-30T10:00:00"
    else:
        broken["owner_country"] = "XX"
    return json_line(broken), kind


# ------------------------------------------------------------------------------------------- CSV


def _access_cells(access: dict[str, Any]) -> list[str]:
    return [access["owner_country"], ";".join(access["restricted_to"]), access["classification"]]


def sltd(world: World, n: int) -> tuple[list[str], list[Person], str]:
    rng = world.rng("sltd", n)
    who = person(world.seed, n % world.population)  # each holder's passport is reported once
    with_holder = rng.random() < 0.7
    country = who.nationality if with_holder else rng.choice(COUNTRIES)
    number = who.passport if with_holder else ids.passport_number(rng, country)
    row = [number, rng.choices(["passport", "id_card", "visa", "residence_permit"], [80, 12, 5, 3])[0], country,
           rng.choices(["stolen", "lost", "revoked", "invalidated"], [50, 40, 5, 5])[0], _date(rng).isoformat(),
           country, fold(who.family_name) if with_holder else "", fold(who.given_names) if with_holder else "",
           who.born.isoformat() if with_holder else ""]
    access = world.access(rng, country)
    return row + _access_cells(access), [who] if with_holder else [], country


def smv(world: World, n: int) -> tuple[list[str], list[Person], str]:
    rng = world.rng("smv", n)
    who = person(world.seed, n % world.population)  # each vehicle is reported stolen once
    if who.vehicle and rng.random() < 0.6:
        vin, plate, country = who.vehicle
        owners = [who]
    else:
        country = rng.choice(COUNTRIES)
        vin, plate, owners = ids.vin(rng, country), ids.plate(rng, country), []
    make, model = rng.choice(MAKES)
    row = [vin, plate, country, make, model, str(rng.randint(2005, 2024)), rng.choice(COLOURS[LANGUAGE[country]]),
           _date(rng).isoformat(), country]
    return row + _access_cells(world.access(rng, country)), owners, country


def nominal(world: World, n: int) -> tuple[list[str], list[Person], str]:
    rng = world.rng("nominal", n)
    who = person(world.seed, 0) if n == 0 else world.someone(rng)
    reporter = who.nationality if rng.random() < 0.5 else rng.choice(COUNTRIES)
    id_type, id_number, id_written = who.national_id
    row = [f"{reporter}-{n:07d}", who.family_name if rng.random() < 0.5 else fold(who.family_name),
           who.given_names, who.alias or "", who.born.isoformat(), who.sex, who.nationality,
           ids.written_document_number(rng, who.passport), id_written if who.nationality == reporter else "",
           ";".join(ids.written_phone(rng, p, national_ok=False) for p in who.phones), who.email or "",
           f"{rng.randint(1, 9999)} {rng.choice(['Av. Libertador', 'Rua Augusta', 'Calle 72', 'Rue de Rivoli'])}, "
           f"{rng.choice(PLACES[reporter])}", pick(rng, OFFENCES, LANGUAGE[reporter]).lower(), reporter]
    return row + _access_cells(world.access(rng, reporter)), [who], reporter


CSV_BUILDERS = {"sltd": (SLTD_COLUMNS, sltd), "smv": (SMV_COLUMNS, smv), "nominals": (NOMINAL_COLUMNS, nominal)}


def field_mentions(source: str, record: dict[str, Any],
                   persons: list[Person]) -> list[tuple[str, str, str, str, str | None]]:
    """What a structured record names, as (field, entity type, as written, canonical, person id).

    Structured fields are mentions too: extraction is measured on them as on free text.
    """
    who = persons[0] if persons else None
    pid = who.person_id if who else None
    found: list[tuple[str, str, str, str, str | None]] = []
    if source in ("notices", "diffusions") and who:
        found.append(("name", "person", f"{record['forename']} {record['name']}", who.full_name, pid))
        found += [("phones", "phone", w, c, pid) for w, c in zip(record["phones"], who.phones)]
        found += [("identity_documents", "identity_document", d["number"], who.passport, pid)
                  for d in record["identity_documents"]]
    elif source == "nominals" and who:
        found.append(("family_name", "person", f"{record['given_names']} {record['family_name']}", who.full_name, pid))
        found += [("phones", "phone", w, c, pid) for w, c in zip(record["phones"].split(";"), who.phones)]
        found.append(("passport_numbers", "identity_document", record["passport_numbers"], who.passport, pid))
        if record["emails"]:
            found.append(("emails", "email", record["emails"], record["emails"], pid))
    elif source == "sltd":
        found.append(("document_number", "identity_document", record["document_number"], record["document_number"],
                      pid))
    elif source == "smv":
        found.append(("vin", "vehicle", record["vin"], record["vin"], pid))
        found.append(("plate", "plate", record["plate"], record["plate"], pid))
    return found


def dirty_row(rng: random.Random, columns: list[str], row: list[str]) -> tuple[list[str], str]:
    kind = rng.choice(["impossible_date", "unknown_country", "missing_field", "missing_id"])
    bad = list(row)
    if kind == "impossible_date":
        index = next(i for i, c in enumerate(columns) if c.endswith("date") or c.endswith("date_of_birth"))
        bad[index] = "2023-02-30"
    elif kind == "unknown_country":
        bad[columns.index("owner_country")] = "XX"
    elif kind == "missing_field":
        bad = bad[:-1]
    else:
        bad[0] = ""
    return bad, kind


# -------------------------------------------------------------------------------------- messages


def _attachment(rng: random.Random, main: Person, other: Person, country: str,
                language: str) -> tuple[str, str, bytes, str, list[Span]] | None:
    """Most messages carry a PDF seizure record, a DOCX report or a CSV of identifiers."""
    roll = rng.random()
    kind = ("pdf" if roll < 0.4 else "passport_copy" if roll < 0.48 else "docx" if roll < 0.6
            else "csv" if roll < 0.75 else None)
    if kind is None:
        return None
    template = ATTACHMENT_TEMPLATES[kind][language]
    text, spans = render(template, slot_values(rng, main, other, country, language, slots_of(template)))
    if kind == "pdf":
        return f"acta_{rng.randint(1000, 9999)}.pdf", "application/pdf", text_pdf(text.split("\n")), text, spans
    if kind == "passport_copy":
        return f"pasaporte_{rng.randint(100, 999)}.pdf", "application/pdf", text_pdf(text.split("\n")), text, spans
    if kind == "docx":
        return (f"informe_{rng.randint(100, 999)}.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", text_docx([text]),
                text, spans)
    return "identificadores.csv", "text/csv", text.encode("utf-8"), text, spans


def message(world: World, n: int) -> tuple[bytes, dict[str, Any], list[Person], list[tuple[str, list[Span]]]]:
    """An .eml between two bureaus: its bytes, id and owner, its persons, and spans per text part."""
    rng, main, other, sender, recipients = _sent_between_bureaus(world, "message", n, 3)
    language = LANGUAGE[sender]
    # The phone may be written in the national format of the person's country inside another
    # country's message: the extractor has to weigh every country the message involves.
    template = pick(rng, MESSAGE_TEMPLATES, language)
    subject_template = pick(rng, SUBJECTS, language)
    values = slot_values(rng, main, other, sender, language, slots_of(template) | slots_of(subject_template))
    body_template, prose = with_prose(world, "message", n, template, language, [other])
    body, spans = render(body_template, {**values, **prose})
    subject, _ = render(subject_template, values)
    access = world.access(rng, sender, recipients)
    msg_id = f"{n:07d}.{rng.getrandbits(48):012x}@{sender.lower()}.example.org"
    sent = dt.datetime.combine(_date(rng), dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=dt.timezone.utc)
    headers = [
        ("From", f"NCB {sender} <{NCB[sender]}>"), ("To", ", ".join(NCB[c] for c in recipients)),
        ("Date", format_datetime(sent)), ("Subject", subject), ("Message-ID", f"<{msg_id}>"),
        ("X-Insight-Owner-Country", access["owner_country"]),
        ("X-Insight-Restricted-To", ",".join(access["restricted_to"])),
        ("X-Insight-Classification", access["classification"]),
        ("X-Insight-Case-Ref", f"{sender}-{2022 + n % 4}-{n:05d}"),
    ]
    charset = rng.choice(["utf-8", "utf-8", "windows-1252", "iso-8859-1"])
    texts = [("body", spans)]
    attachment = _attachment(rng, main, other, sender, language)
    part = None
    if attachment:
        name, content_type, data, _, att_spans = attachment
        part = (name, content_type, data)
        texts.append((name, att_spans))
    data = message_bytes(headers, body, charset, part, f"=_insight_{n:07d}_{rng.getrandbits(32):08x}")
    meta = {"message_id": msg_id, "owner_country": access["owner_country"]}
    return data, meta, [main, other] if "{name2}" in template or _names(prose, other) else [main], texts
