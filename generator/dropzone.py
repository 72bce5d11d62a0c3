"""``insight generate``: a drop zone of about N records in the contract's formats, truth beside it.

Persons come from :mod:`generator.people` by index, so nothing grows with N but the files.
Records of one criminal group (``GROUP_SIZE`` persons) co-occur across sources and countries.
``truth/`` (outside ``raw/``) keeps every planted person, record, mention and bad input.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from generator import identities as ids
from generator.office import text_docx
from generator.pdf import text_pdf
from generator.people import COUNTRIES, LANGUAGE, Person, fold, person, written_name
from generator.texts import (MESSAGE_TEMPLATES, NATIONALITY, OFFENCES, PLACES, REPORT_TEMPLATES, SUBJECTS, Span,
                             pick, render, slots_of)

SHARES = {"notices": 0.08, "diffusions": 0.05, "messages": 0.07, "reports": 0.20, "sltd": 0.22, "smv": 0.14,
          "nominals": 0.24}
RECORDS_PER_FILE = 5000
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
USERS_YAML = """users:
  - {id: analyst_ar, country: AR, clearance: restricted, roles: [analyst]}
  - {id: analyst_br, country: BR, clearance: restricted, roles: [analyst]}
  - {id: analyst_cl, country: CL, clearance: official, roles: [analyst]}
  - {id: analyst_co, country: CO, clearance: restricted, roles: [analyst]}
  - {id: analyst_pe, country: PE, clearance: restricted, roles: [analyst]}
  - {id: analyst_mx, country: MX, clearance: official, roles: [analyst]}
  - {id: analyst_fr, country: FR, clearance: confidential, roles: [analyst]}
  - {id: analyst_es, country: ES, clearance: restricted, roles: [analyst]}
  - {id: analyst_us, country: US, clearance: public, roles: [analyst]}
  - {id: gs_analyst, country: IP, clearance: confidential, roles: [analyst, secretariat]}
"""


@dataclass(frozen=True)
class Summary:
    records: int
    files: int
    dirty: int
    truth_dir: Path
    demo_query: str


class Truth:
    """Append-only JSON-lines files of what was planted."""

    def __init__(self, stack: ExitStack, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.files = {n: stack.enter_context(open(folder / f"{n}.jsonl", "w", encoding="utf-8"))
                      for n in ("records", "mentions", "bad_inputs", "links")}

    def write(self, name: str, row: dict[str, Any]) -> None:
        self.files[name].write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


class World:
    """Shared state of one generation: the seed, the population and the dirty-input dice."""

    def __init__(self, seed: int, size: int, dirty_rate: float, truth: Truth) -> None:
        self.seed = seed
        self.population = max(40, size // 4)
        self.dirty_rate = dirty_rate
        self.truth = truth
        self.dirty = 0

    def rng(self, *parts: object) -> random.Random:
        return random.Random("|".join(map(str, (self.seed, *parts))))

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

    def is_dirty(self, rng: random.Random) -> bool:
        return rng.random() < self.dirty_rate

    def plant_bad(self, source: str, file: str, position: int | str, kind: str) -> None:
        self.dirty += 1
        self.truth.write("bad_inputs", {"source": source, "file": file, "position": position, "kind": kind})


def _date(rng: random.Random, start: dt.date = dt.date(2022, 1, 1), days: int = 1000) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _record_truth(world: World, source: str, source_id: str, persons: list[Person], owner: str) -> None:
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


def _notice(world: World, n: int) -> tuple[dict[str, Any], list[Person]]:
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


def _diffusion(world: World, n: int) -> tuple[dict[str, Any], list[Person]]:
    rng = world.rng("diffusion", n)
    who = world.someone(rng)
    partner = world.associate(rng, who)
    issuer = rng.choice(COUNTRIES)
    recipients = rng.sample([c for c in COUNTRIES if c != issuer], rng.randint(1, 4))
    language = LANGUAGE[issuer]
    summary = {"es": "Buscado por {o}. Sería socio de {p}.", "pt": "Procurado por {o}. Seria comparsa de {p}.",
               "en": "Wanted for {o}. Believed to be an associate of {p}.",
               "fr": "Recherché pour {o}. Serait un complice de {p}."}[language]
    record = {"diffusion_id": f"{issuer}-{2022 + n % 4}-{n:05d}", "diffusion_type": rng.choice(
        ["wanted", "wanted", "missing", "information", "warning"]), "issuing_country": issuer,
        "date_sent": _date(rng).isoformat(), **_person_fields(rng, who),
        "summary": summary.format(o=pick(rng, OFFENCES, language).lower(), p=written_name(rng, partner))}
    return {**record, **world.access(rng, issuer, recipients)}, [who, partner]


def _slot_values(rng: random.Random, world: World, main: Person, other: Person, country: str, language: str,
                 mentions_region: bool = True) -> dict[str, tuple[str, str, str | None]]:
    vehicle = main.vehicle or (ids.vin(rng, country), ids.plate(rng, country), country)
    account = main.iban or ids.iban(rng, main.nationality)
    phone_e164 = rng.choice(main.phones)
    place = rng.choice(PLACES[country])
    return {
        "name": (written_name(rng, main), main.full_name, main.person_id),
        "name2": (written_name(rng, other), other.full_name, other.person_id),
        "phone": (ids.written_phone(rng, phone_e164, national_ok=mentions_region), phone_e164, main.person_id),
        "passport": (ids.written_document_number(rng, main.passport), main.passport, main.person_id),
        "plate": (ids.written_plate(rng, vehicle[1]), vehicle[1], main.person_id if main.vehicle else None),
        "vin": (vehicle[0], vehicle[0], main.person_id if main.vehicle else None),
        "iban": (ids.written_iban(rng, account), account, main.person_id),
        "email": (main.email or f"{fold(main.family[0]).lower()}@mail.com",
                  main.email or f"{fold(main.family[0]).lower()}@mail.com", main.person_id),
        "place": (place, place, None),
        "alias": (main.alias or "EL FLACO", main.alias or "EL FLACO", None),
        "nat": (NATIONALITY[language][main.nationality], main.nationality, None),
        "ref": (f"{rng.randint(100, 9999)}/{rng.randint(2022, 2025)}", "", None),
    }


def _mention_truth(world: World, source: str, source_id: str, field: str, spans: list[Span]) -> None:
    for s in spans:
        world.truth.write("mentions", {"source": source, "source_id": source_id, "field": field, "start": s.start,
                                       "end": s.end, "entity_type": s.entity_type, "text": s.text,
                                       "canonical": s.canonical, "person_id": s.person_id})


def _report(world: World, n: int) -> tuple[dict[str, Any], list[Person]]:
    rng = world.rng("report", n)
    main = world.someone(rng)
    other = world.associate(rng, main)
    country = rng.choice(COUNTRIES)
    language = LANGUAGE[country]
    template = pick(rng, REPORT_TEMPLATES, language)
    narrative, spans = render(template, _slot_values(rng, world, main, other, country, language))
    lat, lon = CENTRES[country]
    report_id = f"{country}-{n:07d}"
    record = {"report_id": report_id, "country": country, "agency": f"Policía {country}" if language == "es" else
              {"pt": "Polícia Federal", "en": "Police Department", "fr": "Police nationale"}[language],
              "reported_at": dt.datetime.combine(_date(rng), dt.time(rng.randrange(24), rng.randrange(60)))
              .replace(tzinfo=dt.timezone(dt.timedelta(hours=-3))).isoformat(),
              "offence": pick(rng, OFFENCES, language), "title": pick(rng, OFFENCES, language),
              "narrative": narrative, "place": spans and next((s.text for s in spans if s.entity_type == "location"),
                                                              None),
              "lat": round(lat + rng.uniform(-0.5, 0.5), 4), "lon": round(lon + rng.uniform(-0.5, 0.5), 4)}
    if rng.random() < 0.7:
        record["language"] = language
    _mention_truth(world, "reports", report_id, "narrative", spans)
    persons = [main] + ([other] if "{name2}" in template else [])
    return {**record, **world.access(rng, country)}, persons


JSONL_BUILDERS: dict[str, tuple[str, Callable[[World, int], tuple[dict[str, Any], list[Person]]]]] = {
    "notices": ("notice_id", _notice), "diffusions": ("diffusion_id", _diffusion), "reports": ("report_id", _report),
}


def _dirty_json(rng: random.Random, record: dict[str, Any], id_field: str) -> tuple[str, str]:
    """A bad line and what is wrong with it."""
    kind = rng.choice(["truncated", "missing_id", "impossible_date", "unknown_country"])
    if kind == "truncated":
        line = json.dumps(record, ensure_ascii=False)
        return line[: rng.randint(10, len(line) - 5)], kind
    broken = dict(record)
    if kind == "missing_id":
        broken.pop(id_field)
    elif kind == "impossible_date":
        broken["date_of_birth" if "date_of_birth" in broken else "reported_at"] = "1980/02/31" \
            if "date_of_birth" in broken else "2024-02-30T10:00:00"
    else:
        broken["owner_country"] = "XX"
    return json.dumps(broken, ensure_ascii=False), kind


def _write_jsonl(world: World, root: Path, source: str, count: int, tick: Callable[[], None]) -> int:
    id_field, build = JSONL_BUILDERS[source]
    files = 0
    for chunk_start in range(0, count, RECORDS_PER_FILE):
        name = f"{source}/{source}-{chunk_start // RECORDS_PER_FILE:04d}.jsonl"
        files += 1
        with open(root / name, "w", encoding="utf-8") as out:
            line_no = 0
            for n in range(chunk_start, min(count, chunk_start + RECORDS_PER_FILE)):
                record, persons = build(world, n)
                rng = world.rng("dirt", source, n)
                line_no += 1
                if n > 0 and world.is_dirty(rng):
                    if rng.random() < 0.2:  # the same id twice in one file: the second is quarantined
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
                        line_no += 1
                        world.plant_bad(source, name, line_no, "duplicate_id")
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
                        _record_truth(world, source, record[id_field], persons, record["owner_country"])
                    else:
                        line, kind = _dirty_json(rng, record, id_field)
                        world.plant_bad(source, name, line_no, kind)
                        out.write(line + "\n")
                else:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    _record_truth(world, source, record[id_field], persons, record["owner_country"])
                tick()
    return files


# ------------------------------------------------------------------------------------------- CSV


def _access_cells(access: dict[str, Any]) -> list[str]:
    return [access["owner_country"], ";".join(access["restricted_to"]), access["classification"]]


def _sltd(world: World, n: int) -> tuple[list[str], list[Person], str]:
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


def _smv(world: World, n: int) -> tuple[list[str], list[Person], str]:
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


def _nominal(world: World, n: int) -> tuple[list[str], list[Person], str]:
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


CSV_BUILDERS = {"sltd": (SLTD_COLUMNS, _sltd), "smv": (SMV_COLUMNS, _smv), "nominals": (NOMINAL_COLUMNS, _nominal)}


def _dirty_row(rng: random.Random, columns: list[str], row: list[str]) -> tuple[list[str], str]:
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


def _write_csv(world: World, root: Path, source: str, count: int, tick: Callable[[], None]) -> int:
    columns, build = CSV_BUILDERS[source]
    header = columns + ACCESS_COLUMNS
    files = 0
    for chunk_start in range(0, count, RECORDS_PER_FILE):
        name = f"{source}/{source}-{chunk_start // RECORDS_PER_FILE:04d}.csv"
        # Some bureaus still export in Windows-1252: landing must read them all the same.
        encoding = "cp1252" if world.rng("encoding", name).random() < 0.15 else "utf-8"
        files += 1
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        line_no = 1
        for n in range(chunk_start, min(count, chunk_start + RECORDS_PER_FILE)):
            row, persons, _ = build(world, n)
            rng = world.rng("dirt", source, n)
            line_no += 1
            if n > 0 and world.is_dirty(rng):
                bad, kind = _dirty_row(rng, header, row)
                world.plant_bad(source, name, line_no, kind)
                writer.writerow(bad)
            else:
                writer.writerow(row)
                _record_truth(world, source, row[0], persons, row[header.index("owner_country")])
            tick()
        (root / name).write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return files


# -------------------------------------------------------------------------------------- messages


def _attachment(rng: random.Random, world: World, main: Person, other: Person, country: str,
                language: str) -> tuple[str, str, bytes, str, list[Span]] | None:
    roll = rng.random()
    values = _slot_values(rng, world, main, other, country, language)
    if roll < 0.45:
        text, spans = render("Acta de incautación\nFecha: {ref}\nElementos: pasaporte {passport}; teléfono {phone}.\n"
                             "Vehículo placa {plate}, VIN {vin}.\nCuenta {iban}.", values)
        name = f"acta_{rng.randint(1000, 9999)}.pdf"
        return name, "application/pdf", text_pdf(text.split("\n")), text, spans
    if roll < 0.6:
        text, spans = render("Informe ampliatorio sobre {name}. Teléfono {phone}. Pasaporte {passport}.", values)
        return f"informe_{rng.randint(100, 999)}.docx", \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", text_docx([text]), text, spans
    if roll < 0.75:
        text, spans = render("tipo,valor\ntelefono,{phone}\npasaporte,{passport}\nplaca,{plate}\n", values)
        return "identificadores.csv", "text/csv", text.encode("utf-8"), text, spans
    return None


def _message(world: World, n: int) -> tuple[bytes, dict[str, Any], list[Person], list[tuple[str, list[Span]]]]:
    rng = world.rng("message", n)
    main = world.someone(rng)
    other = world.associate(rng, main)
    sender = rng.choice(COUNTRIES)
    recipients = rng.sample([c for c in COUNTRIES if c != sender], rng.randint(1, 3))
    language = LANGUAGE[sender]
    # The phone may be written in the national format of the person's country inside another
    # country's message: the extractor has to weigh every country the message involves.
    values = _slot_values(rng, world, main, other, sender, language)
    body, spans = render(pick(rng, MESSAGE_TEMPLATES, language), values)
    subject, _ = render(pick(rng, SUBJECTS, language), values)
    access = world.access(rng, sender, recipients)
    msg = EmailMessage()
    msg_id = f"<{n:07d}.{rng.getrandbits(48):012x}@{sender.lower()}.example.org>"
    msg["From"] = f"NCB {sender} <{NCB[sender]}>"
    msg["To"] = ", ".join(NCB[c] for c in recipients)
    msg["Date"] = format_datetime(dt.datetime.combine(_date(rng), dt.time(rng.randrange(24), rng.randrange(60)),
                                                      tzinfo=dt.timezone.utc))
    msg["Subject"] = subject
    msg["Message-ID"] = msg_id
    msg["X-Insight-Owner-Country"] = access["owner_country"]
    msg["X-Insight-Restricted-To"] = ",".join(access["restricted_to"])
    msg["X-Insight-Classification"] = access["classification"]
    msg["X-Insight-Case-Ref"] = f"{sender}-{2022 + n % 4}-{n:05d}"
    charset = rng.choice(["utf-8", "utf-8", "windows-1252", "iso-8859-1"])
    msg.set_content(body, charset=charset if charset != "utf-8" else "utf-8",
                    cte="quoted-printable" if charset != "utf-8" else "8bit")
    texts = [("body", spans)]
    attachment = _attachment(rng, world, main, other, sender, language)
    if attachment:
        name, content_type, data, text, att_spans = attachment
        maintype, subtype = content_type.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        msg.set_boundary(f"=_insight_{n:07d}_{rng.getrandbits(32):08x}")  # deterministic for a seed
        texts.append((name, att_spans))
    meta = {"message_id": msg_id.strip("<>"), "owner_country": access["owner_country"]}
    return msg.as_bytes(), meta, [main, other] if "{name2}" in body else [main], texts


def _write_messages(world: World, root: Path, count: int, tick: Callable[[], None]) -> int:
    for n in range(count):
        data, meta, persons, texts = _message(world, n)
        name = f"messages/{n // 1000:04d}/msg-{n:07d}.eml"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        rng = world.rng("dirt", "messages", n)
        if n > 0 and world.is_dirty(rng):
            kind = rng.choice(["broken_mime", "missing_owner"])
            if kind == "broken_mime" and b"--=_insight_" in data:
                data = data[: data.rindex(b"--=_insight_")]  # the closing boundary is lost: a truncated upload
            else:
                kind = "missing_owner"
                data = data.replace(b"X-Insight-Owner-Country: ", b"X-Insight-Owner: ")
            world.plant_bad("messages", name, "message", kind)
        else:
            _record_truth(world, "messages", meta["message_id"], persons, meta["owner_country"])
            for field, spans in texts:
                _mention_truth(world, "messages", meta["message_id"], field, spans)
        (root / name).write_bytes(data)
        tick()
    return count


# ------------------------------------------------------------------------------------------ main


class _Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled, self.shown = total, 0, enabled and sys.stderr.isatty(), -1

    def tick(self) -> None:
        self.done += 1
        percent = self.done * 100 // max(1, self.total)
        if self.enabled and percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            print(f"\rgenerating [{bar:<25}] {percent:3d}% {self.done}/{self.total}", end="", file=sys.stderr)

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def counts_for(size: int) -> dict[str, int]:
    return {source: max(3, round(size * share)) for source, share in SHARES.items()}


def generate(home: Path, size: int = 1000, seed: int = 7, dirty_rate: float = 0.01,
             progress: bool = True) -> Summary:
    """Writes ``raw/``, ``truth/`` and (when absent) ``config/users.yaml`` under ``home``."""
    if size < 1:
        raise ValueError("--size must be at least 1")
    if not 0 <= dirty_rate <= 0.5:
        raise ValueError("--dirty-rate must be between 0 and 0.5")
    home = Path(home)
    raw = home / "raw"
    for source in SHARES:
        (raw / source).mkdir(parents=True, exist_ok=True)
    users = home / "config" / "users.yaml"
    if not users.exists():
        users.parent.mkdir(parents=True, exist_ok=True)
        users.write_text(USERS_YAML, encoding="utf-8")
    counts = counts_for(size)
    bar = _Progress(sum(counts.values()), progress)
    files = 0
    with ExitStack() as stack:
        truth = Truth(stack, home / "truth")
        world = World(seed, size, dirty_rate, truth)
        for source, count in counts.items():
            if source in JSONL_BUILDERS:
                files += _write_jsonl(world, raw, source, count, bar.tick)
            elif source in CSV_BUILDERS:
                files += _write_csv(world, raw, source, count, bar.tick)
            else:
                files += _write_messages(world, raw, count, bar.tick)
        with open(home / "truth" / "persons.jsonl", "w", encoding="utf-8") as out:
            for index in range(world.population):
                p = person(seed, index)
                out.write(json.dumps({"person_id": p.person_id, "group": p.group, "name": p.full_name,
                                      "born": p.born.isoformat(), "nationality": p.nationality,
                                      "passport": p.passport, "national_id": p.national_id[1],
                                      "phones": p.phones, "email": p.email, "iban": p.iban,
                                      "vehicle": p.vehicle, "alias": p.alias}, ensure_ascii=False) + "\n")
    bar.close()
    star = person(seed, 0)
    return Summary(records=sum(counts.values()), files=files, dirty=world.dirty, truth_dir=home / "truth",
                   demo_query=star.passport)


def iter_truth(home: Path, name: str) -> Iterator[dict[str, Any]]:
    with open(Path(home) / "truth" / f"{name}.jsonl", encoding="utf-8") as rows:
        for line in rows:
            yield json.loads(line)
