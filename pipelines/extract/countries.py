"""Countries as officers name them in es/pt/en/fr: names and nationality adjectives → ISO alpha-2.

Used to weigh the region of a phone number written in national form: a number next to
"argentino" is read as Argentine first. Names come from pycountry's translations; adjectives,
which pycountry lacks, are listed for the countries police cooperation in the region meets most.
"""
from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

from pipelines.text import fold_accents

LANGUAGES = ("es", "pt", "en", "fr")
# Masculine and feminine (and plural stems) in es/pt/en/fr; folded and lower-cased when matched.
ADJECTIVES: dict[str, tuple[str, ...]] = {
    "AR": ("argentino", "argentina", "argentine", "argentin"),
    "BO": ("boliviano", "boliviana", "bolivian", "bolivien", "bolivienne"),
    "BR": ("brasileno", "brasilena", "brasileiro", "brasileira", "brazilian", "bresilien", "bresilienne"),
    "CL": ("chileno", "chilena", "chilean", "chilien", "chilienne"),
    "CN": ("chino", "china", "chines", "chinesa", "chinese", "chinois", "chinoise"),
    "CO": ("colombiano", "colombiana", "colombian", "colombien", "colombienne"),
    "EC": ("ecuatoriano", "ecuatoriana", "equatoriano", "equatoriana", "ecuadorian", "equatorien", "equatorienne"),
    "ES": ("espanol", "espanola", "espanhol", "espanhola", "spanish", "espagnol", "espagnole"),
    "FR": ("frances", "francesa", "french", "francais", "francaise"),
    "IT": ("italiano", "italiana", "italian", "italien", "italienne"),
    "MX": ("mexicano", "mexicana", "mexican", "mexicain", "mexicaine"),
    "PE": ("peruano", "peruana", "peruvian", "peruvien", "peruvienne"),
    "PT": ("portugues", "portuguesa", "portuguese", "portugais", "portugaise"),
    "PY": ("paraguayo", "paraguaya", "paraguaio", "paraguaia", "paraguayan", "paraguayen", "paraguayenne"),
    "RU": ("ruso", "rusa", "russo", "russa", "russian", "russe"),
    "US": ("estadounidense", "norteamericano", "norteamericana", "norte-americano", "norte-americana", "american",
           "americain", "americaine"),
    "UY": ("uruguayo", "uruguaya", "uruguaio", "uruguaia", "uruguayan", "uruguayen", "uruguayenne"),
    "VE": ("venezolano", "venezolana", "venezuelano", "venezuelana", "venezuelan", "venezuelien", "venezuelienne"),
}
# The countries whose numbers a phone written in national form is also tried in, beyond its context.
REGION_COUNTRIES: tuple[str, ...] = tuple(ADJECTIVES)


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded lower-case country name in es/pt/en/fr → ISO alpha-2."""
    names_found: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in LANGUAGES if lang != "en"]
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", country.name)}
        names |= {t.gettext(country.name) for t in translations}
        for name in names:
            key = fold_accents(name).lower()
            if len(key) > 3 and "," not in key:
                names_found.setdefault(key, country.alpha_2)
    return names_found


@lru_cache(maxsize=1)
def country_words() -> dict[str, str]:
    """Folded lower-case country name or nationality adjective → ISO alpha-2."""
    words = dict(country_names())
    for code, adjectives in ADJECTIVES.items():
        for adjective in adjectives:
            words[adjective] = code
    return words


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    alternatives = sorted(country_words(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in alternatives) + r")\b")


def countries_named(folded_lower_text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO code) of every country named in text already folded and lower-cased."""
    words = country_words()
    return [(m.start(), m.end(), words[m.group(1)]) for m in _pattern().finditer(folded_lower_text)]
