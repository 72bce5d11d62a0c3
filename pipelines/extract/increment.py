"""Which documents an increment of extraction reads again.

A document's mentions are a function of its text, of the other documents of its group (a
message and its attachments are read together), of its records (the structured mentions) and of
the gazetteer, which every person record teaches. So an increment reads again every group with a
changed document or record, and — when the gazetteer changed — every document naming a word
whose reading changed: a new nominal record teaches a name older reports contain. Those are found
through the search index (``gold.search_terms``, see :mod:`pipelines.index.lookup`), not by
reading every text again.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from pyspark.sql import DataFrame

from pipelines.extract.names import Gazetteer
from pipelines.identifiers.name import name_sound

Requirement = frozenset[str]  # folded upper-case words a document must all contain


def gazetteer_change(old: Gazetteer, new: Gazetteer) -> set[Requirement]:
    """What a document must name to be read otherwise under ``new`` than under ``old``.

    The rules consult the gazetteer for three things (``pipelines/extract/names.py``): whether a
    word is a known given name or surname, whether a place's name sounds like a known surname
    ("Espinosa Medina": his surname, not the town), and the nationalities recorded for a given
    name and surname together (which phones the text's numbers are read as).
    """
    words = (old.given ^ new.given) | (old.family ^ new.family)
    found: set[Requirement] = {frozenset([w]) for w in words}
    sounds = {name_sound(w) for w in old.family} ^ {name_sound(w) for w in new.family}
    if sounds:
        found |= {frozenset(place) for place in new.places if len(place) == 1 and name_sound(place[0]) in sounds}
    for pair in set(old.nationalities) | set(new.nationalities):
        if old.nationalities.get(pair) != new.nationalities.get(pair):
            found.add(frozenset(pair))
    return found


def union_ids(frames: Iterable[DataFrame], column: str) -> DataFrame:
    """The distinct values of ``column`` over ``frames`` (at least one)."""
    return reduce(DataFrame.unionByName, [f.select(column) for f in frames]).distinct()
