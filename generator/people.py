"""Persons of the synthetic world, each derived from (seed, index) alone so memory stays flat.

Names follow each country's structure (two surnames in Spanish-speaking countries, particles in
Brazil, one surname and often a middle name in France and the US), with transliterated foreign
names and aliases. Every ``DECOY_EVERY``-th person shares the name of the person before it but is
someone else.
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from generator import identities as ids
from generator.dice import Dice

COUNTRIES = ("AR", "BR", "CL", "CO", "PE", "MX", "FR", "ES", "US")
LANGUAGE = {"AR": "es", "BR": "pt", "CL": "es", "CO": "es", "PE": "es", "MX": "es", "FR": "fr", "ES": "es", "US": "en"}
COUNTRY_WEIGHTS = (14, 16, 10, 14, 10, 12, 8, 8, 8)
DECOY_EVERY = 40
GROUP_SIZE = 4  # persons of one criminal group co-occur across sources

# Pools large enough that a whole name is shared about as often as in life: at a million records
# (250,000 persons) half the persons shared theirs, one in five with more than eight others, when
# French and US persons had ten given names and fifteen surnames and every foreign-origin person
# was one of eight names; now 22 % and 6 % (the planted decoys, and names of foreign origin).
HISPANIC_M = ["JUAN", "CARLOS", "JOSÉ", "LUIS", "JORGE", "MIGUEL", "ANDRÉS", "DIEGO", "FERNANDO", "RAÚL", "JAVIER",
              "SERGIO", "PABLO", "MARTÍN", "ALEJANDRO", "RICARDO", "HÉCTOR", "ÓSCAR", "JESÚS", "MANUEL", "ALBERTO",
              "ANTONIO", "EDUARDO", "FRANCISCO", "GUSTAVO", "IGNACIO", "RAFAEL", "ROBERTO", "SANTIAGO", "TOMÁS",
              "VÍCTOR", "ERNESTO", "GONZALO", "RODRIGO", "EMILIO"]
HISPANIC_F = ["MARÍA", "ANA", "LUCÍA", "CARMEN", "SOFÍA", "VALENTINA", "ISABEL", "PAULA", "ROSA", "ELENA",
              "GABRIELA", "ANDREA", "MÓNICA", "VERÓNICA", "PATRICIA", "LAURA", "DANIELA", "CAMILA", "XIMENA", "BEATRIZ",
              "ADRIANA", "ALEJANDRA", "CAROLINA", "CLAUDIA", "CRISTINA", "NATALIA", "SILVIA", "TERESA", "VICTORIA",
              "LORENA", "MARCELA", "JIMENA", "RAQUEL", "SUSANA", "LILIANA"]
HISPANIC_SURNAMES = ["PÉREZ", "GÓMEZ", "RODRÍGUEZ", "GONZÁLEZ", "FERNÁNDEZ", "LÓPEZ", "MARTÍNEZ", "SÁNCHEZ",
                     "RAMÍREZ", "TORRES", "FLORES", "RIVERA", "DÍAZ", "MORALES", "ORTIZ", "CASTRO", "VARGAS",
                     "ROJAS", "MUÑOZ", "QUISPE", "MAMANI", "HERNÁNDEZ", "JIMÉNEZ", "RUIZ", "ÁLVAREZ", "MENDOZA",
                     "SILVA", "CONTRERAS", "SEPÚLVEDA", "ARAYA", "CÁRDENAS", "OSORIO", "BETANCOURT", "CHÁVEZ",
                     "GARCÍA", "ROMERO", "NAVARRO", "MOLINA", "DELGADO", "CASTILLO", "ORTEGA", "ROSALES", "MARÍN",
                     "SANZ", "IGLESIAS", "MEDINA", "GARRIDO", "GUERRERO", "CORTÉS", "LOZANO", "CANO", "MIRANDA",
                     "MÉNDEZ", "PACHECO", "FIGUEROA", "VIDAL", "HERRERA", "AGUILAR", "PEÑA", "CABRERA", "ACOSTA",
                     "VEGA", "SALAZAR", "CARRASCO", "REYES", "NÚÑEZ", "SOTO", "PAREDES", "ESPINOZA", "VALENZUELA"]
BRAZIL_M = ["JOÃO", "PEDRO", "LUCAS", "MATEUS", "GABRIEL", "RAFAEL", "GUILHERME", "FELIPE", "THIAGO", "ANTÔNIO",
            "FRANCISCO", "MARCOS", "LEANDRO", "RODRIGO", "VINÍCIUS", "CARLOS", "EDUARDO", "BRUNO", "DANIEL", "DIEGO",
            "GUSTAVO", "HENRIQUE", "LEONARDO", "MARCELO", "PAULO", "RICARDO", "SÉRGIO", "FÁBIO", "ANDRÉ", "RENATO"]
BRAZIL_F = ["MARIA", "ANA", "JULIANA", "FERNANDA", "PATRÍCIA", "ALINE", "CAMILA", "BEATRIZ", "LETÍCIA", "VITÓRIA",
            "LUÍSA", "RAFAELA", "SIMONE", "ADRIANA", "CONCEIÇÃO", "JÉSSICA", "LARISSA", "BRUNA", "GABRIELA",
            "MARIANA", "AMANDA", "BÁRBARA", "CAROLINA", "CLÁUDIA", "DÉBORA", "ISABELA", "LUANA", "NATÁLIA",
            "PRISCILA", "TATIANA"]
BRAZIL_SURNAMES = ["SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "COSTA", "PEREIRA", "ALMEIDA", "FERREIRA", "RODRIGUES",
                   "LIMA", "GONÇALVES", "CARVALHO", "ARAÚJO", "RIBEIRO", "BARBOSA", "CAVALCANTI", "NASCIMENTO",
                   "ALVES", "MARTINS", "ROCHA", "SOARES", "FERNANDES", "GOMES", "LOPES", "MARQUES", "MOREIRA",
                   "MENDES", "CARDOSO", "TEIXEIRA", "CORREIA", "NUNES", "VIEIRA", "MONTEIRO", "MOURA", "FREITAS",
                   "PINTO", "CASTRO", "AZEVEDO", "BATISTA", "RAMOS"]
BRAZIL_PARTICLES = ["DA", "DOS", "DE", "DAS"]
FRENCH_M = ["JEAN", "PIERRE", "MICHEL", "NICOLAS", "JULIEN", "THOMAS", "LUC", "FRANÇOIS", "ANTOINE", "SÉBASTIEN",
            "PHILIPPE", "ALAIN", "PATRICK", "CHRISTOPHE", "STÉPHANE", "OLIVIER", "FRÉDÉRIC", "MAXIME", "ALEXANDRE",
            "GUILLAUME", "ROMAIN", "HUGO", "LOUIS", "ARTHUR", "BENOÎT", "CÉDRIC", "DIDIER", "GILLES", "JÉRÔME",
            "MATHIEU", "QUENTIN", "RÉMI", "SAMUEL", "THIERRY", "YANNICK", "BRUNO", "FABRICE", "LAURENT", "XAVIER",
            "BAPTISTE"]
FRENCH_F = ["MARIE", "SOPHIE", "CAMILLE", "JULIE", "ÉMILIE", "CHLOÉ", "NATHALIE", "CÉLINE", "HÉLÈNE", "MANON",
            "ISABELLE", "SYLVIE", "CATHERINE", "CHRISTINE", "SANDRINE", "VALÉRIE", "AURÉLIE", "CAROLINE", "STÉPHANIE",
            "LAETITIA", "PAULINE", "LÉA", "INÈS", "CLARA", "MATHILDE", "ANNE", "BRIGITTE", "MONIQUE", "PASCALE",
            "ÉLODIE", "AMÉLIE", "GAËLLE", "JULIETTE", "LUCIE", "MARGAUX", "NOÉMIE", "ODILE", "VIRGINIE", "AGNÈS",
            "CORINNE"]
FRENCH_SURNAMES = ["DUBOIS", "MARTIN", "BERNARD", "LEFÈVRE", "MOREAU", "LAURENT", "GIRARD", "ROUSSEAU", "FAURE",
                   "MERCIER", "BLANC", "GUÉRIN", "BOYER", "CHEVALIER", "FONTAINE", "DURAND", "LEROY", "SIMON",
                   "ROBERT", "RICHARD", "BERTRAND", "ROUX", "FOURNIER", "MOREL", "GIRAUD", "LEFEBVRE", "BONNET",
                   "LEGRAND", "GARNIER", "LAMBERT", "ROUSSEL", "CLÉMENT", "GAUTHIER", "PERRIN", "MORIN", "HENRY",
                   "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "LEMAIRE", "MEYER", "DUFOUR", "MEUNIER",
                   "BLANCHARD", "BRUNET", "JOLY", "GAILLARD", "BARBIER", "ARNAUD", "GÉRARD", "RENARD", "SCHMITT",
                   "LEROUX", "COLIN", "CARON", "PICARD", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX",
                   "BOUCHER", "MALLET", "CHARPENTIER", "BENOIT", "POIRIER", "LECLERC"]
US_M = ["JOHN", "MICHAEL", "DAVID", "JAMES", "ROBERT", "WILLIAM", "KEVIN", "BRIAN", "JASON", "ERIC", "RICHARD",
        "JOSEPH", "CHARLES", "CHRISTOPHER", "DANIEL", "MATTHEW", "ANTHONY", "GREGORY", "DONALD", "STEVEN", "PAUL",
        "ANDREW", "JOSHUA", "KENNETH", "GEORGE", "TIMOTHY", "RONALD", "EDWARD", "JEFFREY", "RYAN", "JACOB", "GARY",
        "NICHOLAS", "STEPHEN", "JONATHAN", "LARRY", "JUSTIN", "TYLER", "BRANDON", "BENJAMIN"]
US_F = ["JENNIFER", "JESSICA", "ASHLEY", "SARAH", "EMILY", "MEGAN", "LAUREN", "AMANDA", "NICOLE", "RACHEL", "MARY",
        "LINDA", "BARBARA", "ELIZABETH", "SUSAN", "KAREN", "NANCY", "LISA", "BETTY", "SANDRA", "DONNA", "CAROL",
        "MICHELLE", "DOROTHY", "AMY", "ANGELA", "MELISSA", "DEBORAH", "STEPHANIE", "REBECCA", "SHARON", "CYNTHIA",
        "KATHLEEN", "HEATHER", "DIANE", "JULIE", "JOYCE", "VICTORIA", "KELLY", "SAMANTHA"]
US_SURNAMES = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "WILSON", "ANDERSON", "TAYLOR",
               "THOMAS", "MOORE", "JACKSON", "WHITE", "HARRIS", "MARTIN", "THOMPSON", "GARCIA", "MARTINEZ",
               "ROBINSON", "CLARK", "RODRIGUEZ", "LEWIS", "LEE", "WALKER", "ALLEN", "HERNANDEZ", "WRIGHT", "LOPEZ",
               "SCOTT", "ADAMS", "GONZALEZ", "NELSON", "CARTER", "MITCHELL", "PEREZ", "ROBERTS", "TURNER",
               "PHILLIPS", "CAMPBELL", "PARKER", "EVANS", "EDWARDS", "COLLINS", "STEWART", "SANCHEZ", "MORRIS",
               "ROGERS", "MORGAN", "MURPHY", "BAILEY", "RIVERA", "COOPER", "RICHARDSON", "HOWARD", "TORRES",
               "PETERSON", "RAMIREZ", "WATSON", "SANDERS", "BENNETT", "BARNES", "ROSS", "HENDERSON", "COLEMAN",
               "JENKINS", "PERRY", "POWELL", "PATTERSON", "HUGHES"]
ONE_SURNAME = {"FR": (FRENCH_M, FRENCH_F, FRENCH_SURNAMES), "US": (US_M, US_F, US_SURNAMES)}
# Foreign-origin names: a given and a family name of one origin, each with the transliterations
# that occur for the same person.
TRANSLITERATED = [
    ([["MOHAMMED", "MUHAMMAD", "MOHAMED"], ["YOUSSEF", "YUSUF", "YOUSEF"], ["AHMED", "AHMAD", "AHMET"],
      ["OMAR", "UMAR"], ["KHALED", "KHALID"], ["HASSAN", "HASAN"], ["MUSTAFA", "MOUSTAFA", "MUSTAPHA"],
      ["IBRAHIM", "EBRAHIM"], ["KARIM", "KAREEM"], ["TARIQ", "TAREK"]],
     [["AL-HASSAN", "AL HASSAN", "ALHASSAN"], ["BENALI", "BEN ALI", "BEN-ALI"], ["KHALIL", "KHALEEL", "HALIL"],
      ["MANSOUR", "MANSUR"], ["HADDAD", "HADDED"], ["NASSER", "NASIR"], ["AZIZ", "AZIS"], ["SALEH", "SALAH"],
      ["HAMDAN", "HAMDANE"], ["FARES", "FARIS"]]),
    ([["SERGEI", "SERGEY", "SERGUEI"], ["DMITRI", "DMITRY", "DMITRIJ"], ["ALEKSANDR", "ALEXANDER", "ALEKSANDER"],
      ["ANDREI", "ANDREY"], ["NIKOLAI", "NIKOLAY"], ["YURI", "YURIY", "IOURI"], ["MIKHAIL", "MICHAIL"],
      ["VLADIMIR", "WLADIMIR"]],
     [["IVANOV", "IVANOFF", "IWANOW"], ["VOLKOV", "VOLKOFF", "WOLKOW"], ["KUZNETSOV", "KUZNETSOFF", "KOUZNETSOV"],
      ["SMIRNOV", "SMIRNOFF"], ["POPOV", "POPOFF"], ["PETROV", "PETROFF", "PETROW"], ["SOKOLOV", "SOKOLOFF"],
      ["MOROZOV", "MOROZOFF"]]),
    ([["WEI"], ["XIAOMING", "HSIAO-MING"], ["JIAN", "CHIEN"], ["MING"], ["JUN", "CHUN"], ["YONG", "YUNG"],
      ["HUA", "HWA"], ["FENG", "FUNG"]],
     [["ZHANG", "CHANG", "CHEUNG"], ["WANG", "WONG"], ["CHEN", "CHAN"], ["LIU", "LAU"], ["ZHAO", "CHAO", "CHIU"],
      ["ZHOU", "CHOU", "CHOW"], ["XU", "HSU", "HUI"], ["LIN", "LAM"]]),
]
ALIASES = ["EL CHINO", "EL FLACO", "EL GORDO", "LA NEGRA", "EL MONO", "CHAPO", "EL PROFE", "GATO", "TITO", "EL RUSO",
           "LA GÜERA", "BIGODE", "NEGÃO", "MAGRÃO", "LE BLOND", "PETIT", "SHORTY", "BIG MIKE", "EL TURCO", "PACHO"]


@lru_cache(maxsize=1 << 14)  # names come from small pools: most folds are repeats
def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(slots=True)
class Person:
    index: int
    group: int
    given: list[str]
    family: list[str]
    sex: str
    born: dt.date
    nationality: str
    passport: str
    national_id: tuple[str, str, str]
    phones: list[str]
    email: str | None
    alias: str | None
    foreign: bool = False
    variants: list[tuple[list[str], list[str]]] = field(default_factory=list)
    vehicle: tuple[str, str, str] | None = None  # vin, plate, plate country
    iban: str | None = None
    imei: str | None = None
    wallet: str | None = None

    @property
    def person_id(self) -> str:
        return f"P{self.index:07d}"

    @property
    def given_names(self) -> str:
        return " ".join(self.given)

    @property
    def family_name(self) -> str:
        return " ".join(self.family)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


def _names(rng: random.Random, country: str, sex: str) -> tuple[list[str], list[str], bool, list]:
    if rng.random() < 0.06:  # a foreign-origin name, transliterated differently by each source
        given_names, family_names = rng.choice(TRANSLITERATED)
        givens, families = rng.choice(given_names), rng.choice(family_names)
        variants = [([g], [f]) for g in givens for f in families]
        return [givens[0]], [families[0]], True, variants
    if country == "BR":
        given = rng.sample(BRAZIL_M if sex == "M" else BRAZIL_F, rng.choice([1, 2]))
        family = rng.sample(BRAZIL_SURNAMES, 2)
        if rng.random() < 0.35:
            family.insert(1, rng.choice(BRAZIL_PARTICLES))
        return given, family, False, []
    if country in ONE_SURNAME:  # a second given name (a middle name) half the time
        men, women, surnames = ONE_SURNAME[country]
        return rng.sample(men if sex == "M" else women, rng.choice([1, 2])), [rng.choice(surnames)], False, []
    given = rng.sample(HISPANIC_M if sex == "M" else HISPANIC_F, rng.choice([1, 2, 2]))
    family = rng.sample(HISPANIC_SURNAMES, 2)
    if sex == "F" and rng.random() < 0.1:  # married name: "DE" + husband's surname
        family = family[:1] + ["DE", rng.choice(HISPANIC_SURNAMES)]
    return given, family, False, []


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not number:
            return digits


# Records draw persons from the whole population, so a worker meets most of it: a cache that
# holds it up to a million records (250,000 persons, ~300 MB) makes each once, where a quarter
# of it made three in four again (~35 µs each, a third of the generator's time at 1M). Bounded
# all the same: beyond, the least recently used go.
@lru_cache(maxsize=1 << 18)
def person(seed: int, index: int) -> Person:
    """The person number ``index`` of world ``seed``: the same every time it is asked for."""
    rng = Dice(seed * 1_000_003 + index)
    country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    sex = rng.choice("MMMF")
    given, family, foreign, variants = _names(rng, country, sex)
    if index % DECOY_EVERY == 1 and index > 0:  # a namesake of the previous person, not the same person
        twin = person(seed, index - 1)
        given, family, foreign, variants, sex = (list(twin.given), list(twin.family), twin.foreign, twin.variants,
                                                 twin.sex)
    born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 48))
    phones = [ids.phone(rng, country)] + ([ids.phone(rng, rng.choice(COUNTRIES))] if rng.random() < 0.3 else [])
    folded = fold(f"{given[0]}.{family[0]}").lower().replace(" ", "")
    # An address belongs to one person: namesakes born the same year must not share one.
    email = f"{folded}{born.year % 100:02d}.{_base36(index)}@" \
        f"{rng.choice(['gmail.com', 'hotmail.com', 'yahoo.com', 'proton.me'])}" if rng.random() < 0.5 else None
    vehicle = None
    if rng.random() < 0.35:
        plate_country = country if rng.random() < 0.7 else rng.choice(COUNTRIES)
        vehicle = (ids.vin(rng, plate_country), ids.plate(rng, plate_country), plate_country)
    return Person(
        index=index, group=index // GROUP_SIZE, given=given, family=family, sex=sex, born=born,
        nationality=country, passport=ids.passport_number(rng, country), national_id=ids.national_id(rng, country),
        phones=phones, email=email, alias=rng.choice(ALIASES) if rng.random() < 0.3 else None, foreign=foreign,
        variants=variants, vehicle=vehicle, iban=ids.iban(rng, country) if rng.random() < 0.25 else None,
        imei=ids.imei(rng) if rng.random() < 0.4 else None,
        wallet=ids.btc_address(rng) if rng.random() < 0.1 else None,
    )


def written_name(rng: random.Random, who: Person, order: str = "given_first") -> str:
    """The name as a source writes it: accents dropped, a surname missing, initials, typos, case."""
    given, family = list(who.given), list(who.family)
    if who.variants and rng.random() < 0.6:
        vg, vf = rng.choice(who.variants)
        given, family = list(vg), list(vf)
    roll = rng.random()
    if roll < 0.15 and len(family) > 1:
        family = family[:1]
    elif roll < 0.25 and len(given) > 1:
        given = [given[0], given[1][0] + "."]
    text = (f"{' '.join(family)}, {' '.join(given)}" if order == "family_first"
            else f"{' '.join(given)} {' '.join(family)}")
    if rng.random() < 0.5:
        text = fold(text)
    if rng.random() < 0.05:  # phonetic misspelling as heard: Z/S, V/B, LL/Y
        for a, b in (("Z", "S"), ("V", "B"), ("LL", "Y"), ("SS", "S")):
            if a in text:
                text = text.replace(a, b, 1)
                break
    case = rng.random()
    if case < 0.4:
        return text.title()
    return text
