"""The offence taxonomy: one category whatever the language, case, accents or phrasing."""
import pytest

from generator.texts import OFFENCES
from pipelines.patterns.offences import CATEGORIES, UNCLASSIFIED, offence_category


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_each_offence_means_in_every_language_what_it_means_in_english(language):
    assert [offence_category(o) for o in OFFENCES[language]] == [offence_category(o) for o in OFFENCES["en"]]
    assert UNCLASSIFIED not in [offence_category(o) for o in OFFENCES["en"]]


@pytest.mark.parametrize("text,category", [
    ("VOL À MAIN ARMÉE", "robbery"), ("robo de vehículo", "vehicle_theft"), ("Secuestro extorsivo", "kidnapping"),
    ("Drug-related offences", "drug_trafficking"), ("TRAFIC DE STUPÉFIANTS", "drug_trafficking"),
    ("lavagem de dinheiro", "money_laundering"), ("pasaporte robado", "travel_document"),
    ("violencia doméstica", UNCLASSIFIED), ("volunteer work", UNCLASSIFIED), ("", UNCLASSIFIED), (None, UNCLASSIFIED),
])
def test_specific_before_general_and_whole_words_only(text, category):
    assert offence_category(text) == category


def test_categories_are_unique():
    names = [c for c, _ in CATEGORIES]
    assert len(names) == len(set(names)) and UNCLASSIFIED not in names
