"""Person records → one cluster per real person, with a Splink model trained on the records themselves.

What is compared, and why:

- names folded to upper-case ASCII, first given name and first surname (particles aside), with
  swapped order and Jaro-Winkler levels (typos, transliterations: YOUSSEF/YUSUF) — the full names
  token-sorted for blocking, so "GONZALEZ DIAZ CARLOS" meets "CARLOS GONZALEZ DIAZ";
- the date of birth when complete (typos, a day and month swapped come out as near dates), the
  year of birth when only that is known;
- sex and nationality;
- the strong identifiers each record holds (passports, national ids, phones, e-mails): one in
  common is strong evidence, none in common is no evidence against (people change phones).

Same-name decoys (namesakes) differ in date of birth, nationality and identifiers: the model
only merges names when something else agrees.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on

from pipelines.identifiers import canonical_name
from pipelines.resolve.linkage import Model, train

PARTICLES = frozenset({"DE", "DA", "DO", "DOS", "DAS", "DEL", "LA", "LAS", "LOS", "VAN", "VON", "DI", "LE", "AL",
                       "EL", "BEN", "BIN", "IBN", "Y", "E"})
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})")
THRESHOLD = 0.95  # match probability at which two person records are the same person

# The same date, a typo in it, day and month swapped; two different complete dates are evidence
# against (namesakes differ there); a year alone matches a year.
_DOB = cl.CustomComparison(output_column_name="birth", comparison_levels=[
    cll.NullLevel("birth_year"),  # no year on one side (every complete date has its year)
    cll.ExactMatchLevel("dob"),
    cll.LevenshteinLevel("dob", 1),
    cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                    "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "day and month swapped", "duckdb"),
    cll.CustomLevel("dob_l IS NOT NULL AND dob_r IS NOT NULL", "two different dates", "duckdb"),
    cll.ExactMatchLevel("birth_year"),
    cll.ElseLevel(),
])
# Every word of the shorter name in the longer one: a dropped second surname or given name.
_FULL_NAME = cl.CustomComparison(output_column_name="full_name", comparison_levels=[
    cll.NullLevel("name_sorted"),
    cll.ExactMatchLevel("name_sorted"),
    cll.JaroWinklerLevel("name_sorted", 0.95),
    cll.ArraySubsetLevel("name_tokens"),
    cll.ElseLevel(),
])

PERSON_MODEL = Model(
    comparisons=[
        cl.ForenameSurnameComparison("given", "family", forename_surname_concat_col_name="name_concat"),
        _FULL_NAME,
        _DOB,
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
        cl.ArrayIntersectAtSizes("identifiers", [1]),
    ],
    blocking=[
        block_on("given", "family"), block_on("name_sorted"), "l.given = r.family and l.family = r.given",
        block_on("family", "dob"), block_on("given", "dob"), block_on("family", "birth_year"),
        block_on("identifiers", arrays_to_explode=["identifiers"]),
    ],
    deterministic=[block_on("given", "family", "dob"), block_on("identifiers", arrays_to_explode=["identifiers"])],
    # Each session leaves the others' columns free; name_sorted (not given and family) so that the
    # full-name comparison, which reads name_sorted, is not trained on pairs its levels cannot tell apart.
    training=[block_on("dob"), block_on("name_sorted"), block_on("family", "birth_year")],
    recall_of_deterministic=0.6,
)


def _name_tokens(value: str | None) -> list[str]:
    return [t for t in canonical_name(value or "").split() if t not in PARTICLES and len(t) > 1]


def person_features(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """One row per person record, in the columns :data:`PERSON_MODEL` compares.

    ``records`` carry ``record_id``, ``given_names``, ``family_name``, ``full_name``,
    ``date_of_birth`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), ``sex``, ``nationalities`` and
    ``identifiers`` (the canonical values of the documents, phones and e-mails the record holds).
    """
    rows = []
    for r in records:
        given, family = _name_tokens(r.get("given_names")), _name_tokens(r.get("family_name"))
        if not given and not family:  # a full name only: the last word is taken as the surname
            words = _name_tokens(r.get("full_name"))
            given, family = words[:-1], words[-1:]
        dob = (r.get("date_of_birth") or "").strip()
        year = _YEAR.match(dob)
        sex = (r.get("sex") or "").upper()[:1]
        rows.append({
            "unique_id": r["record_id"],
            "given": given[0] if given else None,
            "family": family[0] if family else None,
            "name_concat": " ".join(given[:1] + family[:1]) or None,
            "name_sorted": " ".join(sorted(given + family)) or None,
            "name_tokens": sorted(set(given + family)),
            "dob": dob if _FULL_DATE.match(dob) else None,
            "birth_year": year.group(1) if year else None,
            "sex": sex if sex in ("M", "F") else None,
            "nationality": (r.get("nationalities") or [None])[0],
            "identifiers": sorted(set(r.get("identifiers") or [])),
        })
    return pd.DataFrame(rows, columns=["unique_id", "given", "family", "name_concat", "name_sorted", "name_tokens", "dob",
                                       "birth_year", "sex", "nationality", "identifiers"])


def cluster_persons(features: pd.DataFrame, threshold: float = THRESHOLD, seed: int = 1) -> dict[str, str]:
    """record id → cluster id (the smallest record id of its cluster), every record included."""
    if len(features) < 2:
        return {uid: uid for uid in features["unique_id"]}
    linker = train(PERSON_MODEL, features, seed=seed)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()
    members: dict[str, list[str]] = {}
    for uid, cluster in zip(clusters["unique_id"], clusters["cluster_id"]):
        members.setdefault(str(cluster), []).append(str(uid))
    found = {uid: min(ids) for ids in members.values() for uid in ids}
    return {uid: found.get(uid, uid) for uid in features["unique_id"]}
