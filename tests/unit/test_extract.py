"""Extraction without Spark: identifiers by checksum or cue, names by gazetteer and cue."""
from pipelines.extract.finders import find_identifiers
from pipelines.extract.names import Gazetteer, find_names

MESSAGE = ("Se informa la detención en Cartagena de un ciudadano argentino identificado como JUAN C. PÉREZ GÓMEZ, "
           "quien portaba el pasaporte AAB-123456. Se le incautó un teléfono con el número 011 15 5555-1234. "
           "Conducía una camioneta con placa brasileña BRA-2E19.")


def found(text, regions=(), persons=()):
    return {(m.type, m.canonical) for m in find_identifiers(text, regions, persons)}


def test_the_argentine_number_in_the_colombian_message_is_read_as_argentine():
    assert found(MESSAGE, ["CO", "AR", "BR"]) == {
        ("identity_document", "AAB123456"), ("phone", "+5491155551234"), ("plate", "BRA2E19")}


def test_a_colour_before_a_plate_is_no_plate():
    assert found("Stolen vehicle FIAT STRADA 2010 WHITE 9WOK132, plate 9WOK132") == {("plate", "9WOK132")}


def test_nationality_of_a_person_named_decides_a_national_number():
    text = "Interpellation de JOSE PEREZ; saisie d'un téléphone 947 041 765."
    assert ("phone", "+51947041765") in found(text, ["FR"], [(18, {"PE"})])


def test_checksummed_identifiers_are_taken_and_broken_ones_are_not():
    text = ("IMEI 356938035643809, IMEI 356938035643800, cuenta ES9121000418450200051332, CPF 123.456.789-09, "
            "CPF 123.456.789-00, VIN 1HGCM82633A004352, btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT, IP 10.1.2.3, "
            "el 14 de marzo de 2024")
    assert found(text) == {("imei", "356938035643809"), ("account", "ES9121000418450200051332"),
                           ("identity_document", "12345678909"), ("vehicle", "1HGCM82633A004352"),
                           ("crypto_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"), ("ip_address", "10.1.2.3"),
                           ("date", "2024-03-14")}


def test_a_number_after_a_passport_cue_is_a_document_not_a_phone():
    assert found("portaba el pasaporte N° 719 820006 y un teléfono +52 241 436 1663") == {
        ("identity_document", "719820006"), ("phone", "+522414361663")}


def test_names_in_capitals_with_particles_initials_and_a_misspelt_surname():
    gazetteer = Gazetteer.from_records([("JUAN CARLOS", "PÉREZ GÓMEZ", ["EL CHINO"], ["AR"]),
                                        ("RODRIGO", "SANTOS OLIVEIRA", [], ["BR"]),
                                        ("ANA", "SILVA DOS SANTOS", [], ["BR"])], with_places=False)
    text = ("Se procedió a la detención de RODRIGO SANTOS OLIBEIRA (alias 'EL PROFE'); acompañante Juan C. Pérez "
            "Gómez. O investigado Ana Silva dos Santos e RODRIGO SANTOS viajaram.")
    names = {(m.type, m.canonical) for m in find_names(text, gazetteer)}
    assert names == {("person", "RODRIGO SANTOS OLIBEIRA"), ("alias", "EL PROFE"), ("person", "JUAN C PEREZ GOMEZ"),
                     ("person", "ANA SILVA DOS SANTOS"), ("person", "RODRIGO SANTOS")}
    assert gazetteer.nationalities_of("Juan C. Pérez Gómez") == {"AR"}


def test_the_grouping_as_written_tells_the_country_of_a_national_number():
    assert ("phone", "+12624238528") in found("Del análisis de la línea (262) 423-8528 surge que…", ["CL"])
    assert ("phone", "+56990195628") in found("Utiliza el celular 9 9019 5628.", ["PE"])
    assert ("phone", "+51990195628") in found("Utiliza el celular 990 195 628.", ["CL"])


def test_among_readings_grouped_as_written_in_the_context_a_mobile_wins():
    # As Spanish and as Peruvian "900 955 102" is grouped as written: in Spain a free number, in Peru a mobile.
    text = "Del análisis de la línea 900 955 102 surge que JORGE SALAZAR VARGAS coordinaba."
    assert found(text, ["AR"], [(47, {"ES", "PE"})]) == {("phone", "+51900955102")}


def test_a_national_number_valid_in_several_countries_outside_the_context_is_not_guessed():
    # Nine digits from 9: a Chilean and a Peruvian mobile alike; nothing in a Spanish report tells which.
    assert not any(kind == "phone" for kind, _ in found("Teléfono 990195628 incautado.", ["ES"]))
    assert ("phone", "+56990195628") in found("Teléfono 990195628 incautado.", ["ES", "CL"])


def test_unknown_names_in_capitals_in_a_lower_case_sentence_but_not_shouted_phrases():
    gazetteer = Gazetteer.from_records([("LAURA", "VARGAS", [], ["CO"])])
    def persons(text):
        return {m.canonical for m in find_names(text, gazetteer) if m.type == "person"}
    assert persons("Peritaje del celular: registra contactos con JAMES WILLIAMS y HSIAO-MING WONG.") == {
        "JAMES WILLIAMS", "HSIAO MING WONG"}
    assert persons("SE INCAUTÓ DOCUMENTACIÓN A NOMBRE DE Laura Vargas, Y TRANSFERENCIAS A LA CTA.") == {"LAURA VARGAS"}
    assert persons("FOI APREENDIDO CELULAR NA RESIDÊNCIA.") == set()
    assert persons("La fuente informa que Laura Vargas, alias BIG MIKE, se comunica.") == {"LAURA VARGAS"}


def test_places_are_not_nationalities_codes_or_aliases():
    gazetteer = Gazetteer.from_records([])
    def places(text):
        return {m.canonical for m in find_names(text, gazetteer) if m.type == "location"}
    assert places("Subject X, a Mexican national, was stopped at Houston driving plate BLA567.") == {"HOUSTON"}
    assert places("detención de PEDRO (alias 'EL CHINO') en Cartagena, y transferencias a la cuenta.") == {"CARTAGENA"}


def test_a_car_a_place_of_several_words_and_an_alias_line_are_no_persons():
    gazetteer = Gazetteer.from_records([("PAULO", "SOUZA", [], ["BR"]), ("MIKE", "JONES", [], ["US"])])
    def found(text):
        return {(m.type, m.canonical) for m in find_names(text, gazetteer)}
    assert found("Stolen vehicle RENAULT DUSTER 2011 GRIS 3905AWJ") == set()
    assert found("Addresses: 2074 Calle 72, São Paulo\nOffences: robo") == {("location", "SAO PAULO")}
    assert found("detenido PAULO SOUZA en São Paulo") == {("person", "PAULO SOUZA"), ("location", "SAO PAULO")}
    assert found("Sex: M\nAliases: BIG MIKE\nBorn: 1964-12-01") == {("alias", "BIG MIKE")}


def test_a_misspelt_surname_that_is_also_a_town_stays_in_the_name():
    gazetteer = Gazetteer.from_records([("ROBERTO ANDRES", "ESPINOZA MEDINA", [], ["AR"])])
    text = "Peritaje del celular incautado a Roberto Andrés Espinosa Medina (IMEI 017292241836158)."
    assert [(m.type, m.text) for m in find_names(text, gazetteer)] == [("person", "Roberto Andrés Espinosa Medina")]
    assert ("location", "Espinosa") in [(m.type, m.text) for m in find_names("detenido en Espinosa", gazetteer)]


def test_the_tail_of_a_passport_number_is_no_phone():
    from pipelines.identifiers.phone import find_phones

    found = [(m.text, m.canonical) for m in find_phones("Passports: J 00989668\nPhones: +52 281 648 7724", ["MX"])]
    assert found == [("+52 281 648 7724", "+522816487724")]
