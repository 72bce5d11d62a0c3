import pytest

from pipelines.identifiers import canonical_identifier
from pipelines.identifiers.document import canonical_document_number
from pipelines.identifiers.email import canonical_email
from pipelines.identifiers.iban import canonical_iban
from pipelines.identifiers.phone import canonical_phone
from pipelines.identifiers.plate import canonical_plate
from pipelines.identifiers.vin import canonical_vin
from pipelines.text import fold_accents


@pytest.mark.parametrize("written", ["+54 9 11 5555-1234", "+54 9 11 5555 1234", "+5491155551234", "0054 9 11 5555 1234"])
def test_international_phones_need_no_region(written):
    assert canonical_phone(written) == "+5491155551234"


def test_national_phone_is_read_in_the_first_region_where_it_is_valid():
    # The Argentine number inside a Colombian message: Colombia first, Argentina next.
    assert canonical_phone("011 15 5555-1234", ["CO", "AR"]) == "+5491155551234"
    assert canonical_phone("(11) 98765-4321", ["BR"]) == "+5511987654321"
    assert canonical_phone("011 15 5555-1234", []) is None


@pytest.mark.parametrize("written", ["AAB123456", "AAB-123456", "AAB 123456", "aab 123 456"])
def test_document_numbers_compact(written):
    assert canonical_document_number(written) == "AAB123456"


def test_plates_vins_ibans_emails():
    assert canonical_plate("BRA-2E19") == canonical_plate("BRA 2E19") == "BRA2E19"
    assert canonical_vin("9bwzzz377vt004251") == "9BWZZZ377VT004251"
    assert canonical_vin("9BWZZZ377VT00425") is None
    assert canonical_iban("ES91 2100 0418 4502 0005 1332") == "ES9121000418450200051332"
    assert canonical_iban("ES91 2100 0418 4502 0005 1333") is None
    assert canonical_email(" <JCPG79@Example.com> ") == "jcpg79@example.com"
    assert canonical_identifier("address", "Av. Brasil 1234") is None


def test_fold_accents_keeps_letters():
    assert fold_accents("PÉREZ GÓMEZ, João Conceição") == "PEREZ GOMEZ, Joao Conceicao"


def test_imei_and_bitcoin_addresses_are_checked():
    from pipelines.identifiers.imei import canonical_imei
    from pipelines.identifiers.wallet import canonical_wallet as canonical_btc_address

    assert canonical_imei("35-209900-176148-1") == "352099001761481"
    assert canonical_imei("352099001761482") is None
    assert canonical_btc_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2") == "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
    assert canonical_btc_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3") is None


def test_names_that_sound_alike_share_a_key_and_others_do_not():
    from pipelines.identifiers.name import name_sound

    for written, heard in [("PERES", "PEREZ"), ("SILBA", "SILVA"), ("MENDOSA", "MENDOZA"), ("HERNANDES", "HERNANDEZ"),
                           ("BARGAS", "VARGAS"), ("GUILERME", "GUILHERME"), ("MOHAMED", "MOHAMMED"),
                           ("MUSTAPHA", "MUSTAFA"), ("PHILIPPE", "FILIPE"), ("MICHAIL", "MIKHAIL"), ("IOURI", "YURI"),
                           ("SOKOLOFF", "SOKOLOV"), ("IWANOW", "IVANOV"), ("ZHANG", "CHANG"), ("KHALED", "CALED")]:
        assert name_sound(written) == name_sound(heard), (written, heard)
    assert name_sound("PEREZ") != name_sound("PAREDES")
    assert name_sound("SOUSA") != name_sound("SOSA")


def test_a_short_run_after_00_is_no_phone():
    # phonenumbers holds "+98 9668" valid; in a nominal it was the tail of passport "J 00989668"
    assert canonical_phone("00989668") is None

