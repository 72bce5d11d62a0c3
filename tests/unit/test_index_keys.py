"""The keys of the search index: what is indexed and what is queried meet whatever the spelling."""
import pytest

from pipelines.index.keys import identifier_key, identifier_keys, name_keys, terms

REGIONS = ["AR", "BR", "CL", "CO", "ES", "FR", "MX", "PE", "US"]


def test_terms_are_folded_counted_and_skip_function_words():
    counted = terms("El señor PÉREZ y el Sr. Perez, de la calle; pasaporte AAB-123456")
    assert counted["perez"] == 2
    assert {"el", "y", "de", "la"}.isdisjoint(counted)
    assert {"senor", "sr", "calle", "pasaporte", "aab", "123456"} <= set(counted)


def test_terms_leave_out_runs_too_long_to_be_words():
    assert terms("x" * 41 + " word") == {"word": 1}


def _skeletons(name: str) -> list[str]:
    return sorted(k.skeleton for k in name_keys(name))


@pytest.mark.parametrize(("one", "other"), [
    ("JUAN CARLOS PÉREZ GÓMEZ", "Juan Carlos Peres Gomes"),       # accents, Spanish/Portuguese spelling
    ("GOMEZ PEREZ, Juan Carlos", "Juan Carlos Pérez Gómez"),      # order
    ("Juan C. Pérez-Gómez", "JUAN PEREZ GOMEZ"),                   # initials, hyphens
    ("YOUSSEF MOHAMMED", "Yusuf Muhammad"),                        # transliterations
    ("Michail Sokolov", "MIKHAIL SOKOLOFF"),
    ("Iouri Petrov", "YURIY PETROW"),
    ("Zhang Wei", "CHANG WEI"), ("Fung Cheung", "FENG ZHANG"),    # Pinyin and Wade-Giles
    ("Юсуф Мухаммед", "Yusuf Muhammad"),                           # Cyrillic script
    ("Maria da Silva", "MARIA SILVA"),                             # particles
])
def test_name_variants_share_their_keys(one, other):
    assert _skeletons(one) == _skeletons(other)


def test_a_name_key_keeps_the_spelling_and_the_sound_apart_from_the_skeleton():
    perez, = name_keys("Pérez")
    peres, = name_keys("Peres")
    assert (perez.word, peres.word) == ("PEREZ", "PERES")
    assert perez.sound == peres.sound and perez.skeleton == peres.skeleton


@pytest.mark.parametrize("written", ["+54 9 11 5555-1234", "+5491155551234", "0054 9 11 5555 1234",
                                     "011 15 5555-1234"])
def test_every_written_form_of_a_phone_gives_its_key(written):
    assert identifier_key("+5491155551234") in identifier_keys(written, REGIONS)


@pytest.mark.parametrize(("written", "canonical"), [
    ("AAB-123456", "AAB123456"), ("aab 123 456", "AAB123456"), ("BRA-2E19", "BRA2E19"),
    ("ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"), ("jcpg79@example.com", "jcpg79@example.com"),
])
def test_identifiers_reduce_to_the_key_of_their_canonical_value(written, canonical):
    assert identifier_key(canonical) in identifier_keys(written, REGIONS)


def test_a_pasted_machine_readable_zone_gives_the_key_of_its_passport_number():
    # ICAO 9303 specimen (check digits hold): document L898902C3
    mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    assert identifier_key("L898902C3") in identifier_keys(mrz, REGIONS)
    assert identifier_key("L898902C3") not in identifier_keys(mrz.replace("C36UTO", "C37UTO"), REGIONS)
