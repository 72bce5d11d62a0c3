import pytest

from pipelines.extract.finders import find_identifiers
from pipelines.identifiers import canonical_identifier
from pipelines.identifiers.document import canonical_document_number
from pipelines.identifiers.email import canonical_email
from pipelines.identifiers.iban import canonical_iban
from pipelines.identifiers.phone import canonical_phone
from pipelines.identifiers.plate import canonical_plate
from pipelines.identifiers.vin import canonical_vin
from pipelines.text import fold_accents


@pytest.mark.parametrize("written", ["+54 9 11 5555-1234", "+54 9 11 5555 1234", "+5491155551234",
                                     "0054 9 11 5555 1234"])
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


MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.mark.parametrize(("kind", "in_record", "in_text", "regions", "canonical"), [
    ("phone", "+54 9 11 5555-1234", "Teléfono +54 9 11 5555-1234.", [], "+5491155551234"),
    ("phone", "0054 9 11 5555 1234", "Tel. 0054 9 11 5555 1234", [], "+5491155551234"),
    ("phone", "011 15 5555-1234", "un teléfono con el número 011 15 5555-1234.", ["CO", "AR"], "+5491155551234"),
    ("phone", "(11) 98765-4321", "telefone (11) 98765-4321", ["BR"], "+5511987654321"),
    ("phone", "9 9019 5628", "Utiliza el celular 9 9019 5628.", ["PE"], "+56990195628"),  # grouped as in Chile
    ("phone", "990 195 628", "Utiliza el celular 990 195 628.", ["CL"], "+51990195628"),  # grouped as in Peru
    ("phone", "947 041 765", "téléphone 947 041 765", ["PE", "FR"], "+51947041765"),
    ("phone", "(262) 423-8528", "la línea (262) 423-8528", ["CL"], "+12624238528"),
    ("phone", "990195628", "Teléfono 990195628 incautado.", ["ES", "CL"], "+56990195628"),
    ("identity_document", "AAB-123456", "portaba el pasaporte AAB-123456.", [], "AAB123456"),
    ("identity_document", "aab 123 456", "passport aab 123 456", [], "AAB123456"),
    ("identity_document", "L898902C3", MRZ, [], "L898902C3"),
    ("identity_document", "123.456.789-09", "CPF 123.456.789-09", [], "12345678909"),
    ("identity_document", "12.345.678-5", "RUT 12.345.678-5", [], "123456785"),
    ("identity_document", "20-12345678-6", "CUIT 20-12345678-6", [], "20123456786"),
    ("identity_document", "12345678Z", "DNI 12345678Z", [], "12345678Z"),
    ("identity_document", "12.345.678", "DNI 12.345.678", [], "12345678"),
    ("account", "ES91 2100 0418 4502 0005 1332", "cuenta ES91 2100 0418 4502 0005 1332", [],
     "ES9121000418450200051332"),
    ("plate", "BRA-2E19", "placa brasileña BRA-2E19.", [], "BRA2E19"),
    ("plate", "AB 123 CD", "patente AB 123 CD", [], "AB123CD"),
    ("plate", "9WOK132", "Stolen vehicle, plate 9WOK132", [], "9WOK132"),
    ("vehicle", "1HGCM82633A004352", "VIN 1HGCM82633A004352", [], "1HGCM82633A004352"),
    ("vehicle", "9BWZZZ377VT004251", "chasis 9BWZZZ377VT004251", [], "9BWZZZ377VT004251"),
    ("imei", "35-209900-176148-1", "IMEI 35-209900-176148-1", [], "352099001761481"),
    ("email", "<JCPG79@Example.com>", "correo <JCPG79@Example.com>", [], "jcpg79@example.com"),
    ("crypto_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT", [],
     "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
    ("crypto_wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "wallet bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
     [], "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    ("crypto_wallet", "0x52908400098527886E0F7030069857D2E4169EE7", "ETH 0x52908400098527886E0F7030069857D2E4169EE7",
     [], "0x52908400098527886e0f7030069857d2e4169ee7"),
])
def test_a_value_in_a_record_and_in_text_has_one_canonical_form(kind, in_record, in_text, regions, canonical):
    assert canonical_identifier(kind, in_record, regions) == canonical
    assert [m.canonical for m in find_identifiers(in_text, regions) if m.type == kind] == [canonical]


def test_a_wallet_whose_checksum_fails_has_no_canonical_form_in_a_record_or_in_text():
    broken = "0x52908400098527886E0F7030069857D2E4169Ee7"  # one letter's case off its EIP-55 checksum
    assert canonical_identifier("crypto_wallet", broken) is None
    assert not any(m.type == "crypto_wallet" for m in find_identifiers(f"ETH {broken}"))
