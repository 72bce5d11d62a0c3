import pytest

from pipelines.land.fields import ACCESS_FIELDS, COUNTRY, DATE, BadValue, Field, partial_date
from pipelines.land.sources import NOTICES


@pytest.mark.parametrize(
    ("written", "iso"),
    [("1979/03/14", "1979-03-14"), ("1979/3", "1979-03"), ("2008", "2008"), ("1979-03-14", "1979-03-14"), ("", None)],
)
def test_partial_dates_keep_their_precision(written, iso):
    assert partial_date(written) == iso


@pytest.mark.parametrize("bad", ["1980/02/31", "2024/13", "14/03/1979", "1700"])
def test_impossible_or_misformatted_dates_are_refused(bad):
    with pytest.raises(BadValue):
        partial_date(bad)


def test_iso_date_field_names_itself_in_the_reason():
    with pytest.raises(BadValue, match=r"reported_date: impossible date '2024-13-40'"):
        Field("reported_date", DATE).read("2024-13-40")


def test_countries_are_checked_and_upper_cased():
    assert Field("c", COUNTRY, many=True).read("ar;br", ";") == ["AR", "BR"]
    with pytest.raises(BadValue, match="unknown country code 'XX'"):
        Field("c", COUNTRY).read("XX")


def test_access_fields_default_and_secretariat():
    owner, restricted, classification = ACCESS_FIELDS
    assert owner.read("IP") == "IP"
    assert restricted.read(None) == []
    assert classification.read(None) == "official"
    with pytest.raises(BadValue, match="required field 'owner_country'"):
        owner.read("")
    with pytest.raises(BadValue, match="unknown code 'secret'"):
        classification.read("secret")


def test_struct_lists_are_validated_member_by_member():
    documents = next(f for f in NOTICES.fields if f.name == "identity_documents")
    assert documents.read([{"type": "passport", "number": " AAB123456 ", "issuing_country": "ar"}]) == [
        {"type": "passport", "number": "AAB123456", "issuing_country": "AR"}
    ]
    with pytest.raises(BadValue, match="issuing_country: unknown country code"):
        documents.read([{"type": "passport", "number": "1", "issuing_country": "ZZ"}])
