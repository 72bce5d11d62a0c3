"""Prose as officers write it, in phrasing families, naming persons no record holds.

Reports and messages say more than their fields: the suspect's associates, couriers, witnesses
and contacts, named once in a sentence ("O suspeito, Rui Carvalho Nunes, foi visto em Faro").
A family is one way of phrasing that — appositions, a role or title before the name, lists of
names, a name opening the sentence, names beside institutions and places that look like names
(banks, police units, stations, companies, towns named after people) — written in es/pt/en/fr.

The persons these sentences name are drawn from the given and family names of each language
(Faker's locale lists, a maintained package) and, one in four, from other languages' names,
which no lexicon of the four languages holds; names are written in mixed case, in capitals,
with the family name in capitals, with an initial. ``HELD_OUT_FAMILY`` is never used to train
or tune the tagger, and ``HELD_OUT_SEED`` never seeds its training data: extraction is evaluated
there (``pipelines/extract/heldout.py``).
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import cache
from importlib import import_module

from generator.people import fold

FAMILIES = ("apposition", "role", "list", "opening", "institution", "chronicle")
HELD_OUT_FAMILY = "chronicle"
HELD_OUT_SEED = 9001
TRAINING_FAMILIES = tuple(f for f in FAMILIES if f != HELD_OUT_FAMILY)
# Slots of prose templates: persons, an organization, a place; {rN}/{RN} is a role or title
# written before person N ({RN} opening a sentence, capitalised).
PROSE_SLOTS = {"p1": "person", "p2": "person", "p3": "person", "org": "organization", "town": "location"}

_LOCALES = {"es": ("es_ES", "es_MX", "es_AR", "es_CO"), "pt": ("pt_BR", "pt_PT"), "fr": ("fr_FR",), "en": ("en_US",)}
# Other languages' names, which no lexicon of the four holds (written in Latin-1, as every message can be).
FOREIGN_LOCALES = ("it_IT", "de_DE", "nl_NL")
LEXICON_LOCALES = _LOCALES

ROLES = {
    "es": ["el sospechoso", "el detenido", "la detenida", "el imputado", "la imputada", "el testigo", "la testigo",
           "la víctima", "el conductor", "el acompañante", "el comisario", "el subcomisario", "el sargento",
           "el cabo", "el agente", "la agente", "el inspector", "la fiscal", "el fiscal", "el juez", "don", "doña",
           "el señor", "la señora", "el Sr.", "la Sra.", "el Dr.", "el Lic.", "el ciudadano", "la ciudadana",
           "el informante", "el propietario", "el titular", "el empresario", "el abogado", "el prófugo"],
    "pt": ["o suspeito", "a suspeita", "o investigado", "a investigada", "o preso", "a presa", "o indiciado",
           "a testemunha", "a vítima", "o motorista", "o passageiro", "o delegado", "a delegada", "o agente",
           "o escrivão", "o inspetor", "o promotor", "o juiz", "o senhor", "a senhora", "o Sr.", "a Sra.", "dona",
           "seu", "o Dr.", "o empresário", "o advogado", "o foragido", "o proprietário", "o comparsa"],
    "en": ["suspect", "the suspect", "Detective", "Det.", "Officer", "Sgt.", "Sergeant", "Lieutenant", "Lt.",
           "Agent", "Special Agent", "Mr.", "Mrs.", "Ms.", "Dr.", "the witness", "the victim", "the driver",
           "the passenger", "the owner", "the informant", "the defendant", "attorney", "businessman", "fugitive",
           "detainee"],
    "fr": ["le suspect", "la suspecte", "le mis en cause", "l'individu", "le nommé", "la nommée", "le témoin",
           "la victime", "le conducteur", "le passager", "le brigadier", "le commissaire", "le capitaine",
           "le lieutenant", "l'agent", "le juge", "M.", "Mme", "Mlle", "Me", "le gérant", "le propriétaire",
           "l'informateur", "le fugitif", "le prévenu"],
}
# Institutions and companies, some named after a person ("{surname}" is a family name of the language).
ORGANIZATIONS = {
    "es": ["Banco Santander", "Banco de la Nación", "Banco Galicia", "Bancolombia", "Banco Pichincha",
           "Policía Federal Argentina", "Gendarmería Nacional", "Prefectura Naval", "Policía Nacional",
           "Guardia Civil", "Carabineros de Chile", "Policía de Investigaciones", "Fiscalía General",
           "Aduana Nacional", "Hospital San Martín", "Clínica Santa María", "Transportes {surname} S.A.",
           "Distribuidora {surname} Hermanos", "Inmobiliaria {surname} y Asociados", "Agencia {surname}",
           "Constructora {surname} Ltda.", "Farmacia {surname}", "Casa de Cambio {surname}",
           "Estación Retiro", "Terminal de Ómnibus", "Aeropuerto Jorge Chávez", "Aeropuerto Benito Juárez"],
    "pt": ["Banco do Brasil", "Caixa Econômica Federal", "Banco Itaú", "Bradesco", "Polícia Federal",
           "Polícia Rodoviária Federal", "Polícia Civil", "Receita Federal", "Ministério Público",
           "Hospital Santa Casa", "Transportadora {surname} Ltda.", "{surname} & Filhos Comércio",
           "Construtora {surname}", "Imobiliária {surname}", "Posto {surname}", "Estação da Luz",
           "Rodoviária do Tietê", "Aeroporto Santos Dumont", "Aeroporto de Guarulhos", "Despachante {surname}"],
    "en": ["Bank of America", "Wells Fargo", "Chase Bank", "Western Union", "Drug Enforcement Administration",
           "Homeland Security Investigations", "Customs and Border Protection", "Miami-Dade Police Department",
           "Houston Police Department", "{surname} Logistics LLC", "{surname} & Sons Trucking",
           "{surname} Holdings Inc.", "{surname} Auto Repair", "Union Station", "Greyhound terminal",
           "St. Mary's Hospital", "Lincoln High School", "Jefferson Memorial Hospital"],
    "fr": ["Banque de France", "Crédit Agricole", "Société Générale", "BNP Paribas", "Police nationale",
           "Gendarmerie nationale", "Police judiciaire", "Douanes françaises", "Office anti-stupéfiants",
           "Transports {surname} SARL", "Garage {surname}", "{surname} et Fils", "Société {surname} SAS",
           "Gare du Nord", "Gare Saint-Lazare", "Hôpital Saint-Louis", "Lycée Victor Hugo",
           "Aéroport Charles de Gaulle"],
}
# Places that read like persons' names.
TOWNS = {
    "es": ["San Martín", "Villa Carlos Paz", "General Rodríguez", "San Isidro", "Santa Rosa", "San Justo",
           "José C. Paz", "Comodoro Rivadavia", "Presidente Franco", "San Pedro Sula", "Ciudad Juárez",
           "Puerto Montt", "Santa Marta", "San Vicente", "Villa María"],
    "pt": ["São José dos Campos", "Presidente Prudente", "Marechal Deodoro", "Santo André", "São Bernardo",
           "Governador Valadares", "Duque de Caxias", "Santa Maria", "São Vicente", "Teófilo Otoni",
           "Getúlio Vargas", "Campos dos Goytacazes"],
    "en": ["Fort Lauderdale", "San Antonio", "St. Louis", "Jacksonville", "Santa Ana", "Lincoln", "Madison",
           "Charlotte", "Jackson", "Saint Paul", "Fort Worth", "Washington Heights"],
    "fr": ["Saint-Denis", "Saint-Étienne", "Aulnay-sous-Bois", "Sainte-Geneviève-des-Bois", "Saint-Ouen",
           "Villeneuve-Saint-Georges", "Saint-Nazaire", "Martigues", "Clichy", "Saint-Laurent-du-Var"],
}
# Vehicles by make and model, as prose names them: capitalised words that are no one.
CARS = {
    "es": ["una camioneta Toyota Hilux", "un Chevrolet Onix", "un Renault Duster", "una Ford Ranger",
           "un Volkswagen Gol", "un Nissan Sentra", "una Kia Sportage"],
    "pt": ["um Fiat Uno", "uma Toyota Hilux", "um Volkswagen Gol", "um Chevrolet Onix", "uma Honda Biz",
           "um Hyundai HB20", "uma Fiat Strada"],
    "en": ["a Ford F-150", "a Honda Civic", "a Toyota Camry", "a Chevrolet Tahoe", "a Dodge Ram",
           "a Nissan Altima", "a Jeep Cherokee"],
    "fr": ["une Peugeot 208", "une Renault Clio", "un Citroën Berlingo", "une Dacia Sandero",
           "un Volkswagen Transporter", "une Renault Mégane", "une Toyota Yaris"],
}
# Each family: sentences per language. {p1} {p2} {p3} persons, {org} an organization, {town} a place.
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "apposition": {
        "es": ["{R1}, {p1}, fue visto en {town} en compañía de un hombre no identificado.",
               "Se entrevistó a {r1}, {p1}, quien manifestó conocer a {p2} desde hace años.",
               "El vehículo pertenece a {p1}, cuñado de {p2}, según consta en actuaciones.",
               "Según {r1}, {p1}, el dinero fue entregado en {town}.",
               "{R1}, {p1}, gerente de {org}, fue visto en {town}.",
               "{R1}, {p1}, conducía {car} con placas adulteradas."],
        "pt": ["{R1}, {p1}, foi visto em {town} na companhia de {p2}.",
               "Foi ouvida {r1}, {p1}, que afirmou conhecer {p2} há anos.",
               "O imóvel está registrado em nome de {p1}, irmão de {p2}.",
               "Segundo {r1}, {p1}, a droga seguiria para {town}.",
               "{R1}, {p1}, sócio da {org}, foi visto em {town}.",
               "{R1}, {p1}, dirigia {car} com placas adulteradas."],
        "en": ["{R1}, {p1}, was seen in {town} with an unidentified male.",
               "We interviewed {r1}, {p1}, who stated that he has known {p2} for years.",
               "The car is registered to {p1}, brother-in-law of {p2}.",
               "According to {r1}, {p1}, the cash was handed over in {town}.",
               "{R1}, {p1}, a manager at {org}, was seen in {town}.",
               "{R1}, {p1}, was driving {car} with stolen plates."],
        "fr": ["{R1}, {p1}, a été aperçu à {town} en compagnie d'un homme non identifié.",
               "Nous avons entendu {r1}, {p1}, qui déclare connaître {p2} depuis des années.",
               "Le véhicule appartient à {p1}, beau-frère de {p2}.",
               "Selon {r1}, {p1}, l'argent a été remis à {town}.",
               "{R1}, {p1}, gérant de {org}, a été aperçu à {town}.",
               "{R1}, {p1}, conduisait {car} aux plaques falsifiées."],
    },
    "role": {
        "es": ["{R1} {p1} declaró que recibió la mercadería de manos de {r2} {p2}.",
               "Intervino {r1} {p1}, quien labró el acta correspondiente.",
               "Se notificó a {r1} {p1} de la medida dispuesta por {r2} {p2}.",
               "Por orden de {r1} {p1} se trasladó a {r2} {p2} a la dependencia.",
               "{R1} {p1}, de {org}, recibió la denuncia de {r2} {p2}."],
        "pt": ["{R1} {p1} declarou ter recebido a mercadoria de {r2} {p2}.",
               "A diligência foi acompanhada por {r1} {p1}, que lavrou o auto.",
               "Foi intimado {r1} {p1} por determinação de {r2} {p2}.",
               "Por ordem de {r1} {p1}, {r2} {p2} foi conduzido à delegacia.",
               "{R1} {p1}, da {org}, recebeu a denúncia de {r2} {p2}."],
        "en": ["{R1} {p1} stated that he received the package from {r2} {p2}.",
               "{R1} {p1} took the statement and logged the evidence.",
               "The warrant was served on {r1} {p1} at the request of {r2} {p2}.",
               "On the orders of {r1} {p1}, {r2} {p2} was taken into custody.",
               "{R1} {p1} of {org} took the complaint from {r2} {p2}."],
        "fr": ["{R1} {p1} a déclaré avoir reçu le colis de {r2} {p2}.",
               "{R1} {p1} a procédé à l'audition et dressé procès-verbal.",
               "La mesure a été notifiée à {r1} {p1} sur instruction de {r2} {p2}.",
               "Sur ordre de {r1} {p1}, {r2} {p2} a été placé en garde à vue.",
               "{R1} {p1}, de {org}, a reçu la plainte de {r2} {p2}."],
    },
    "list": {
        "es": ["Fueron detenidos {p1}, {p2} y {p3} en un allanamiento en {town}.",
               "En el domicilio se encontraban {p1}, {p2} y {p3}.",
               "Se identificó a {p1} y a {p2} como los responsables del envío.",
               "Participaron del encuentro {p1}, {p2}, {p3} y otras dos personas.",
               "{p1} y {p2} cobraban en una cuenta de {org} abierta en {town}."],
        "pt": ["Foram presos {p1}, {p2} e {p3} durante operação em {town}.",
               "No local estavam {p1}, {p2} e {p3}.",
               "{p1} e {p2} foram identificados como responsáveis pelo envio.",
               "Participaram da reunião {p1}, {p2}, {p3} e outras duas pessoas.",
               "{p1} e {p2} recebiam em uma conta da {org} aberta em {town}."],
        "en": ["{p1}, {p2} and {p3} were arrested during a raid in {town}.",
               "Present at the address were {p1}, {p2}, and {p3}.",
               "{p1} and {p2} were identified as the organizers of the shipment.",
               "The meeting was attended by {p1}, {p2}, {p3} and two others.",
               "{p1} and {p2} were paid into a {org} account opened in {town}."],
        "fr": ["{p1}, {p2} et {p3} ont été interpellés lors d'une perquisition à {town}.",
               "Se trouvaient sur place {p1}, {p2} et {p3}.",
               "{p1} et {p2} ont été identifiés comme les organisateurs de l'envoi.",
               "Ont participé à la réunion {p1}, {p2}, {p3} et deux autres personnes.",
               "{p1} et {p2} étaient payés sur un compte {org} ouvert à {town}."],
    },
    "opening": {
        "es": ["{p1} habría viajado a {town} el fin de semana anterior.",
               "{p1} niega cualquier vínculo con {p2}.",
               "{p1} fue liberado tras prestar declaración.",
               "{p1} utilizaba una cuenta a nombre de su pareja.",
               "{p1} figura como apoderado de {org} desde 2021.",
               "{p1} fue visto a bordo de {car} en {town}."],
        "pt": ["{p1} teria viajado para {town} no fim de semana anterior.",
               "{p1} nega qualquer ligação com {p2}.",
               "{p1} foi liberado após prestar depoimento.",
               "{p1} usava uma conta em nome da companheira.",
               "{p1} figura como procurador da {org} desde 2021.",
               "{p1} foi visto a bordo de {car} em {town}."],
        "en": ["{p1} reportedly traveled to {town} the previous weekend.",
               "{p1} denies any connection to {p2}.",
               "{p1} was released after giving a statement.",
               "{p1} used an account held in his girlfriend's name.",
               "{p1} is listed as an officer of {org} since 2021.",
               "{p1} was seen in {car} in {town}."],
        "fr": ["{p1} se serait rendu à {town} le week-end précédent.",
               "{p1} nie tout lien avec {p2}.",
               "{p1} a été remis en liberté après son audition.",
               "{p1} utilisait un compte au nom de sa compagne.",
               "{p1} apparaît comme mandataire de {org} depuis 2021.",
               "{p1} a été vu à bord d'{car} à {town}."],
    },
    "institution": {
        "es": ["{p1} retiró efectivo en una sucursal del {org} en {town}.",
               "La denuncia fue radicada ante {org} por {p1}.",
               "{p1} trabaja como chofer en {org}.",
               "Personal de {org} demoró a {p1} en {town}.",
               "{p1} estacionó {car} frente a {org}."],
        "pt": ["{p1} sacou dinheiro em uma agência do {org} em {town}.",
               "A denúncia foi registrada na {org} por {p1}.",
               "{p1} trabalha como motorista na {org}.",
               "Agentes da {org} abordaram {p1} em {town}.",
               "{p1} estacionou {car} em frente à {org}."],
        "en": ["{p1} withdrew cash at a {org} branch in {town}.",
               "The complaint was filed with {org} by {p1}.",
               "{p1} works as a driver for {org}.",
               "Officers from {org} detained {p1} in {town}.",
               "{p1} parked {car} outside {org}."],
        "fr": ["{p1} a retiré des espèces dans une agence {org} à {town}.",
               "La plainte a été déposée auprès de {org} par {p1}.",
               "{p1} travaille comme chauffeur pour {org}.",
               "Des agents de {org} ont interpellé {p1} à {town}.",
               "{p1} a garé {car} devant {org}."],
    },
    # Held out: never seen in training; several clauses, names deep in the sentence.
    "chronicle": {
        "es": [("Ese mismo día, y tras varias horas de vigilancia, {r1} {p1} se reunió en {town} con {p2}, "
                "a quien entregó un sobre frente a la sede de {org}."),
               "Consultado al respecto, {p1} admitió haber prestado su vehículo a {p2} y a {p3}.",
               "Mientras tanto {p1}, que decía ser empleado de {org}, llamaba a diario a {p2}."],
        "pt": [("No mesmo dia, após horas de campana, {r1} {p1} encontrou-se em {town} com {p2}, "
                "a quem entregou um envelope em frente à sede da {org}."),
               "Questionado, {p1} admitiu ter emprestado o carro a {p2} e a {p3}.",
               "Enquanto isso {p1}, que se dizia funcionário da {org}, ligava diariamente para {p2}."],
        "en": [("Later that day, after hours of surveillance, {r1} {p1} met {p2} in {town} and handed "
                "over an envelope outside {org}."),
               "When questioned, {p1} admitted lending the car to {p2} and {p3}.",
               "Meanwhile {p1}, who claimed to work for {org}, called {p2} every day."],
        "fr": [("Le jour même, après plusieurs heures de surveillance, {r1} {p1} a rencontré {p2} à {town} "
                "et lui a remis une enveloppe devant le siège de {org}."),
               "Interrogé, {p1} a reconnu avoir prêté sa voiture à {p2} et à {p3}.",
               "Pendant ce temps {p1}, qui se disait employé de {org}, appelait {p2} chaque jour."],
    },
}
_ROLE_SLOT = re.compile(r"\{([rR])(\d)\}")
_SLOT = re.compile(r"\{(\w+)\}")


@cache
def locale_names(locale: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(male given names, female given names, family names) of a Faker locale."""
    provider = import_module(f"faker.providers.person.{locale}").Provider
    male = tuple(getattr(provider, "first_names_male", ()) or getattr(provider, "first_names", ()))
    female = tuple(getattr(provider, "first_names_female", ()) or male)
    return _plain(male), _plain(female), _plain(provider.last_names)


def _plain(names) -> tuple[str, ...]:
    """One-word names a Latin-1 message can carry."""
    return tuple(n for n in names if " " not in n and not n.startswith("'") and n.isalpha() and _latin1(n))


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _draw_name(rng: random.Random, language: str, foreign: bool) -> tuple[list[str], list[str]]:
    locale = rng.choice(FOREIGN_LOCALES if foreign else _LOCALES[language])
    male, female, family = locale_names(locale)
    pool = male if rng.random() < 0.75 else female
    given = [rng.choice(pool)]
    if rng.random() < 0.3:
        given.append(rng.choice(pool))
    surnames = [rng.choice(family)]
    if not foreign and language in ("es", "pt") and rng.random() < 0.7:
        surnames.append(rng.choice(family))
    if not foreign and language == "pt" and rng.random() < 0.2:
        surnames.insert(len(surnames) - 1, rng.choice(["da", "de", "dos"]))
    return given, surnames


def write_name(rng: random.Random, given: list[str], family: list[str]) -> str:
    """As officers write it: Title Case, CAPITALS, the family name in capitals, an initial, family first."""
    roll = rng.random()
    if roll < 0.08 and len(given) > 1:
        given = [given[0], given[1][0] + "."]
    elif roll < 0.13:
        given = [given[0][0] + "."]
    upper_family = [w if w in ("da", "de", "dos") else w.upper() for w in family]
    case = rng.random()
    if case < 0.5:
        return " ".join([*given, *family])
    if case < 0.8:
        return " ".join([*given, *family]).upper()
    if case < 0.93:
        return " ".join([*given, *upper_family])
    return f"{' '.join(upper_family)}, {' '.join(given)}"


def unrecorded_person(rng: random.Random, language: str) -> tuple[str, str]:
    """Someone no record names, (as written, canonical): a name of the language or, one in four, of another one."""
    given, family = _draw_name(rng, language, rng.random() < 0.25)
    return write_name(rng, given, family), fold(" ".join([*given, *family])).upper()


def organization(rng: random.Random, language: str) -> str:
    name = rng.choice(ORGANIZATIONS[language])
    if "{surname}" in name:
        name = name.replace("{surname}", rng.choice(locale_names(rng.choice(_LOCALES[language]))[2]))
    return name


def sentence_template(rng: random.Random, language: str, families: tuple[str, ...]) -> tuple[str, str]:
    """(family, template with its role slots filled) drawn from ``families``."""
    family = rng.choice(families)
    text = rng.choice(TEMPLATES[family][language])

    def role(match: re.Match[str]) -> str:
        word = rng.choice(ROLES[language])
        return word[0].upper() + word[1:] if match.group(1) == "R" else word

    return family, _ROLE_SLOT.sub(role, text)


def prose_values(rng: random.Random, language: str, text: str,
                 known: Sequence[tuple[str, str, str | None]] = ()) -> dict[str, tuple[str, str, str | None]]:
    """(as written, canonical, person id) for the prose slots of ``text``; a person slot is one of
    ``known`` (persons the record already names) three times in ten, else someone no record names."""
    known = list(known)
    values: dict[str, tuple[str, str, str | None]] = {}
    for slot in sorted(set(_SLOT.findall(text)) & set(PROSE_SLOTS)):
        kind = PROSE_SLOTS[slot]
        if kind == "person":
            values[slot] = known.pop(0) if known and rng.random() < 0.3 else (*unrecorded_person(rng, language), None)
        elif kind == "organization":
            name = organization(rng, language)
            values[slot] = (name, name, None)
        else:
            town = rng.choice(TOWNS[language])
            values[slot] = (town, town, None)
    if "{car}" in text:
        car = rng.choice(CARS[language])
        values["car"] = (car, car, None)
    return values
