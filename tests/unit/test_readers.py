"""Reading raw files into bronze rows or quarantine rows, without Spark."""
import datetime as dt
from email.message import EmailMessage

from pyspark import cloudpickle

from generator.pdf import text_pdf
from pipelines.land.drift import DriftLog
from pipelines.land.readers import RawFile, read_units
from pipelines.sources import SOURCES

NOW = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)


def read(source: str, name: str, data: bytes, drift: DriftLog | None = None) -> list[dict]:
    return list(read_units(SOURCES.spec(source), RawFile(f"{source}/{name}", "sha", NOW), data, drift))


def reasons(rows: list[dict]) -> list[str]:
    return [r["reason"] for r in rows if "reason" in r]


def test_jsonl_lands_good_lines_and_quarantines_bad_ones_with_their_line():
    good = b'{"notice_id": "1", "notice_type": "red", "owner_country": "AR", "unknown_field": {"a": 1}}'
    rows = read("notices", "n.jsonl", good + b"\n\n" + b'{"notice_id": "2", "notice_ty' + b"\n" + good + b"\n")
    assert len(rows) == 3
    assert rows[0]["notice_id"] == "1" and rows[0]["src_line"] == 1
    assert rows[0]["extra_fields"] == {"unknown_field": '{"a": 1}'}
    assert rows[1]["src_line"] == 3 and "invalid JSON" in rows[1]["reason"]
    assert rows[2]["reason"] == "duplicate notice_id '1' (first at line 1)"


def test_csv_in_windows_1252_lands_with_its_encoding_recorded():
    header = ("person_id,family_name,given_names,date_of_birth,nationalities,phones,"
              "owner_country,restricted_to,classification\n")
    body = "CL-1,PÉREZ GÓMEZ,JUAN,1979-03-14,AR;CL,+56 9 8765 4321;+54 9 11 5555 1234,CL,AR;BR,restricted\n"
    rows = read("nominals", "n.csv", (header + body + "CL-2,SOTO\n").encode("cp1252"))
    assert rows[0]["family_name"] == "PÉREZ GÓMEZ"
    assert rows[0]["src_encoding"] == "cp1252"
    assert rows[0]["nationalities"] == ["AR", "CL"] and rows[0]["restricted_to"] == ["AR", "BR"]
    assert rows[0]["phones"] == ["+56 9 8765 4321", "+54 9 11 5555 1234"]
    assert reasons(rows) == ["row has 2 fields, header has 9"]


def test_csv_without_a_required_column_quarantines_every_row():
    rows = read("smv", "s.csv", b"plate,owner_country\nABC123,BR\nDEF456,BR\n")
    assert reasons(rows) == ["file header lacks required columns: vin"] * 2


def test_a_file_of_the_wrong_type_is_quarantined_whole():
    rows = read("sltd", "notes.txt", b"hello")
    assert len(rows) == 1 and rows[0]["reason"].startswith("not a .csv file")


def _message(charset: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "NCB Bogota <ncb.bogota@co.example.org>"
    msg["To"] = "ncb.ba@ar.example.org, ncb.br@br.example.org"
    msg["Date"] = "Mon, 19 Feb 2024 14:05:00 +0000"
    msg["Subject"] = "Detención en Cartagena"
    msg["Message-ID"] = "<0457.2024@co.example.org>"
    msg["X-Insight-Owner-Country"] = "CO"
    msg["X-Insight-Restricted-To"] = "AR,BR"
    msg["X-Insight-Classification"] = "restricted"
    msg.set_content(body, charset=charset, cte="quoted-printable")
    return msg


def test_message_with_pdf_attachment_and_latin1_body():
    msg = _message("iso-8859-1", "Se incautó el pasaporte AAB-123456.")
    msg.add_attachment(text_pdf(["Pasaporte AAB 123456"]), maintype="application", subtype="pdf",
                       filename="acta.pdf")
    rows = read("messages", "m.eml", msg.as_bytes())
    assert len(rows) == 1
    row = rows[0]
    assert row["message_id"] == "0457.2024@co.example.org"
    assert row["body"] == "Se incautó el pasaporte AAB-123456."
    assert row["to_addresses"] == ["ncb.ba@ar.example.org", "ncb.br@br.example.org"]
    assert row["restricted_to"] == ["AR", "BR"] and row["classification"] == "restricted"
    assert row["attachments"][0]["filename"] == "acta.pdf"
    assert "AAB 123456" in row["attachments"][0]["text"]
    assert row["sent_at"] == dt.datetime(2024, 2, 19, 14, 5, tzinfo=dt.timezone.utc)


def test_broken_attachment_is_quarantined_and_its_message_lands():
    msg = _message("utf-8", "Adjunto acta.")
    msg.add_attachment(b"%PDF-1.4 garbage", maintype="application", subtype="pdf", filename="broken.pdf")
    rows = read("messages", "m.eml", msg.as_bytes())
    assert rows[0]["message_id"] == "0457.2024@co.example.org" and rows[0]["attachments"] == []
    assert rows[1]["src_part"].endswith("broken.pdf") and "could not be extracted" in rows[1]["reason"]


def test_truncated_multipart_message_is_quarantined():
    msg = _message("utf-8", "Adjunto acta.")
    msg.add_attachment(b"tipo,valor\n", maintype="text", subtype="csv", filename="ids.csv")
    data = msg.as_bytes()
    rows = read("messages", "m.eml", data[: data.rindex(b"--")])
    assert len(rows) == 1 and "broken MIME structure" in rows[0]["reason"]


def test_message_without_owner_is_quarantined_with_its_attachments():
    msg = _message("utf-8", "Texto")
    del msg["X-Insight-Owner-Country"]
    msg.add_attachment(b"tipo,valor\n", maintype="text", subtype="csv", filename="ids.csv")
    rows = read("messages", "m.eml", msg.as_bytes())
    assert [r["src_part"] for r in rows] == ["message", "attachment 2: ids.csv"]
    assert all("owner_country" in r["reason"] for r in rows)


def test_csv_drift_new_and_renamed_columns_land_and_are_recorded():
    header = "vin,plate,plate_country,make,model,year,color,theft_date,reporting_country,owner_country,gps\n"
    body = "9BWZZZ377VT004251,BRA2E19,BR,VW,GOL,2019,BRANCO,2024-01-20,BR,BR,-23.5;-46.6\n"
    drift = DriftLog(SOURCES.spec("smv"))
    rows = read("smv", "s.csv", (header + body).encode(), drift)
    assert reasons(rows) == [] and rows[0]["colour"] is None
    assert rows[0]["extra_fields"] == {"color": "BRANCO", "gps": "-23.5;-46.6"}
    assert drift.notes() == ["column 'colour' renamed to 'color'?", "column 'restricted_to' missing",
                             "column 'classification' missing", "new column 'gps'"]


def test_json_drift_retyped_columns_land_coerced_and_are_recorded():
    line = b'{"report_id": 42, "country": "PE", "reported_at": "2024-02-01T10:00:00Z", "narrative": "x", ' \
           b'"lat": "-12.04", "owner_country": "PE", "restricted_to": "CL", "plaec": "Lima"}\n'
    drift = DriftLog(SOURCES.spec("reports"))
    rows = read("reports", "r.jsonl", line, drift)
    assert reasons(rows) == []
    assert rows[0]["report_id"] == "42" and rows[0]["lat"] == -12.04 and rows[0]["restricted_to"] == ["CL"]
    assert drift.notes() == [
        "column 'place' renamed to 'plaec'? (1 row)",
        "column 'report_id' arrives as number where the contract has text (1 row)",
        "column 'lat' arrives as text where the contract has number (1 row)",
        "column 'restricted_to' arrives as text where the contract has list (1 row)",
    ]


def test_a_spec_carried_to_a_spark_worker_keeps_the_types_its_contract_promises():
    """Spark's workers get the spec pickled: its kinds are copies, not the module's own objects."""
    spec = cloudpickle.loads(cloudpickle.dumps(SOURCES.spec("reports")))
    drift = DriftLog(spec)
    line = b'{"report_id": "PE-1", "country": "PE", "reported_at": "2024-02-01T10:00:00Z", "narrative": "x", ' \
           b'"lat": -12.05, "lon": -77.11, "owner_country": "PE", "restricted_to": []}\n'
    rows = list(read_units(spec, RawFile("reports/r.jsonl", "sha", NOW), line, drift))
    assert reasons(rows) == [] and rows[0]["lat"] == -12.05
    assert drift.notes() == []


def test_a_file_that_keeps_the_contract_has_no_drift():
    drift = DriftLog(SOURCES.spec("notices"))
    read("notices", "n.jsonl", b'{"notice_id": "1", "notice_type": "red", "owner_country": "AR", "aliases": []}\n',
         drift)
    assert drift.notes() == []
