"""Alerts, hidden links, trends and as-of on ../shared/samples: what the platform tells each
analyst, resting only on what he may see, and what is new after a second drop."""
import datetime as dt
import json
import shutil
import time

import pytest
from deltalake import DeltaTable

from insight.cli import main
from insight.engine import EmbeddedEngine
from insight.materialize import materialize_all
from insight.users import find_user
from pipelines.config import LakePaths

RED_NOTICE = "notice:2024/51234"
DIFFUSION = "diffusion:BR-2024-0042"
# Every document touching the Red Notice's subject, and who may see it (samples/README.md).
TOUCHING_NOTICE = {"sltd:AAB123456", "nominal:CL-PDI-88812", "report:PE-LIM-2024-1187",
                   "message:0457.2024@co.example.org", "attachment:0457.2024@co.example.org/acta_0457.pdf",
                   "report:BR-SP-2024-3321",
                   "smv:9BWZZZ377VT004251", "message:0042.2024@br.example.org", DIFFUSION}
OPEN_TO_ALL = {"sltd:AAB123456", "nominal:CL-PDI-88812", "report:PE-LIM-2024-1187", "smv:9BWZZZ377VT004251",
               "message:0042.2024@br.example.org"}
USERS = ("analyst_ar", "analyst_cl", "analyst_pe", "gs_analyst")
NEW_REPORT = {"report_id": "CL-SCL-2024-0777", "country": "CL", "agency": "PDI",
              "reported_at": "2024-04-02T10:00:00-03:00", "offence": "Tráfico de drogas", "title": "Control en Arica",
              "narrative": "En el control fronterizo de Arica se identificó a PEDRO ALVAREZ MAMANI, de nacionalidad "
                           "boliviana, quien portaba el celular +56 9 8765 4321.",
              "place": "Arica", "lat": -18.4783, "lon": -70.3126,
              "owner_country": "CL", "restricted_to": [], "classification": "official"}


def run(capsys, monkeypatch, home, *argv: str):
    monkeypatch.setenv("INSIGHT_HOME", str(home))
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def visible_documents(home, user: str) -> set[str]:
    paths = LakePaths.from_env(home)
    engine = EmbeddedEngine(paths, find_user(paths.users_file, user))
    try:
        return set(engine.sql("SELECT doc_id FROM documents").column("doc_id").to_pylist())
    finally:
        engine.close()


def test_every_document_touching_a_red_notice_subject_raises_an_alert(sample_home, capsys, monkeypatch):
    alerts = run(capsys, monkeypatch, sample_home, "alerts", "--user", "gs_analyst")
    on_notice = {a["doc_id"] for a in alerts if a["watch_doc_id"] == RED_NOTICE}
    assert on_notice == TOUCHING_NOTICE, on_notice ^ TOUCHING_NOTICE
    by_phone = [a for a in alerts if a["watch_doc_id"] == RED_NOTICE and a["doc_id"] == "report:BR-SP-2024-3321"]
    assert by_phone and by_phone[0]["kind"] == "one_link" and by_phone[0]["via_relation"] == "uses_phone"
    assert by_phone[0]["via_name"] == "+56987654321"
    assert all(a["doc_id"] != a["watch_doc_id"] for a in alerts)


@pytest.mark.parametrize("user", USERS)
def test_an_alert_shows_only_when_the_user_may_see_all_it_rests_on(sample_home, capsys, monkeypatch, user):
    alerts = run(capsys, monkeypatch, sample_home, "alerts", "--user", user)
    visible = visible_documents(sample_home, user)
    for a in alerts:
        assert a["doc_id"] in visible and a["watch_doc_id"] in visible, a
    on_notice = {a["doc_id"] for a in alerts if a["watch_doc_id"] == RED_NOTICE}
    assert on_notice >= OPEN_TO_ALL
    assert on_notice - OPEN_TO_ALL == (TOUCHING_NOTICE - OPEN_TO_ALL) & visible


def test_the_evidence_of_a_link_hidden_from_a_user_hides_its_alert(sample_home):
    """A one-link alert rests also on a document evidencing the link: without it, no alert."""
    paths = LakePaths.from_env(sample_home)
    evidence = DeltaTable(paths.table("gold", "alert_evidence")).to_pyarrow_dataset().to_table().to_pylist()
    alerts = {a["alert_id"]: a for a in DeltaTable(paths.table("gold", "alerts")).to_pyarrow_dataset()
              .to_table().to_pylist()}
    for user in USERS:
        visible = visible_documents(sample_home, user)
        engine = EmbeddedEngine(paths, find_user(paths.users_file, user))
        shown = set(engine.sql("SELECT alert_id FROM alerts").column("alert_id").to_pylist())
        engine.close()
        for alert_id, a in alerts.items():
            pieces = [e for e in evidence if e["finding_id"] == alert_id]
            expected = (all(e["doc_id"] in visible for e in pieces if e["role"] in ("watch", "hit"))
                        and (a["via_entity_id"] is None or any(e["doc_id"] in visible for e in pieces
                                                               if e["role"] == "link")))
            assert (alert_id in shown) == expected, (user, a)


def test_a_hidden_link_joins_two_people_through_two_countries_data(sample_home, capsys, monkeypatch):
    links = run(capsys, monkeypatch, sample_home, "links", "--user", "gs_analyst")
    pairs = {(link["src_name"], link["via_name"], link["dst_name"]) for link in links}
    assert {("JUAN CARLOS PEREZ GOMEZ", "+56987654321", "MARIA FERNANDA OLIVEIRA COSTA"),
            ("MARIA FERNANDA OLIVEIRA COSTA", "+56987654321", "JUAN CARLOS PEREZ GOMEZ")} & pairs, pairs
    assert all(link["src_country"] != link["dst_country"] and link["strength"] > 0 for link in links)
    # Chile's analyst may not see the Brazilian report that ties the phone to her.
    assert run(capsys, monkeypatch, sample_home, "links", "--user", "analyst_cl") == []


@pytest.mark.parametrize("user", USERS)
def test_trends_count_exactly_the_documents_the_user_may_see(sample_home, capsys, monkeypatch, user):
    rows = run(capsys, monkeypatch, sample_home, "trends", "--user", user, "--limit", "1000")
    counted = sum(r["documents"] for r in rows)
    engine = EmbeddedEngine(LakePaths.from_env(sample_home),
                            find_user(LakePaths.from_env(sample_home).users_file, user))
    dated = engine.sql("SELECT count(*) AS n FROM documents WHERE event_date IS NOT NULL").column("n")[0].as_py()
    engine.close()
    assert counted >= dated  # a document about two offences counts in both
    assert all(r["change"] == r["documents"] - r["previous"] for r in rows)
    by_key = {(r["country"], r["month"], r["category"], r["source"]): r for r in rows}
    for (country, month, category, source), r in by_key.items():
        before = (dt.date.fromisoformat(month[:10]).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        earlier = by_key.get((country, before.isoformat(), category, source))
        assert r["previous"] == (earlier["documents"] if earlier else 0)


def test_trends_read_offences_in_every_language_as_one_taxonomy(sample_home, capsys, monkeypatch):
    rows = run(capsys, monkeypatch, sample_home, "trends", "--user", "gs_analyst", "--category", "drug_trafficking")
    sources = {(r["country"], r["source"]) for r in rows if r["documents"]}
    assert {("PE", "report"), ("BR", "report")} <= sources  # "Tráfico ilícito de drogas", Portuguese alike
    stolen = run(capsys, monkeypatch, sample_home, "trends", "--user", "gs_analyst", "--category", "vehicle_theft")
    assert any(r["source"] == "smv" and r["documents"] == 1 for r in stolen)


def test_hotspots_place_reports_in_h3_cells(sample_home, capsys, monkeypatch):
    cells = run(capsys, monkeypatch, sample_home, "trends", "--user", "gs_analyst", "--hotspots")
    import h3
    assert cells and all(h3.is_valid_cell(c["cell"]) for c in cells)
    callao = [c for c in cells if c["cell"] == h3.latlng_to_cell(-12.0566, -77.1181, 6)]
    assert callao and callao[0]["reports"] == 1


@pytest.fixture(scope="module")
def second_drop(sample_home, tmp_path_factory):
    """The sample lake, then one more report naming the subject's Chilean phone, materialized again."""
    home = tmp_path_factory.mktemp("second_drop") / "home"
    shutil.copytree(sample_home, home)
    between = dt.datetime.now(dt.timezone.utc)
    time.sleep(1.1)
    (home / "raw" / "reports" / "cl-2024-04.jsonl").write_text(json.dumps(NEW_REPORT, ensure_ascii=False) + "\n",
                                                               encoding="utf-8")
    list(materialize_all(LakePaths.from_env(home)))
    return home, between


def test_a_new_document_raises_new_alerts_and_earlier_ones_keep_their_time(second_drop, sample_home, capsys,
                                                                            monkeypatch):
    home, between = second_drop
    before = {a["alert_id"]: a["raised_at"] for a in run(capsys, monkeypatch, sample_home, "alerts", "--user",
                                                           "gs_analyst")}
    after = {a["alert_id"]: a for a in run(capsys, monkeypatch, home, "alerts", "--user", "gs_analyst")}
    assert all(after[k]["raised_at"] == v for k, v in before.items())
    new = run(capsys, monkeypatch, home, "alerts", "--user", "analyst_cl", "--since", between.isoformat())
    assert {(a["watch_doc_id"], a["doc_id"], a["via_name"]) for a in new} >= {
        (RED_NOTICE, "report:CL-SCL-2024-0777", "+56987654321")}
    assert all(a["doc_id"] == "report:CL-SCL-2024-0777" for a in new), new


def test_people_joined_across_borders_by_the_new_document_are_a_new_hidden_link(second_drop, capsys, monkeypatch):
    home, between = second_drop
    new = run(capsys, monkeypatch, home, "links", "--user", "gs_analyst", "--since", between.isoformat())
    pairs = {frozenset((link["src_name"], link["dst_name"])): link for link in new}
    assert frozenset(("PEDRO ALVAREZ MAMANI", "MARIA FERNANDA OLIVEIRA COSTA")) in pairs, new
    pedro_maria = pairs[frozenset(("PEDRO ALVAREZ MAMANI", "MARIA FERNANDA OLIVEIRA COSTA"))]
    assert pedro_maria["via_name"] == "+56987654321"
    assert {pedro_maria["src_country"], pedro_maria["dst_country"]} == {"CL", "BR"}
    assert all("PEDRO ALVAREZ MAMANI" in pair for pair in pairs)  # the others were joined before


def test_as_of_answers_from_the_lake_as_it_stood_then(second_drop, capsys, monkeypatch):
    home, between = second_drop
    now = run(capsys, monkeypatch, home, "search", "Arica", "--user", "gs_analyst")
    then = run(capsys, monkeypatch, home, "search", "Arica", "--user", "gs_analyst", "--as-of", between.isoformat())
    assert "report:CL-SCL-2024-0777" in {h["id"] for h in now["hits"]}
    assert "report:CL-SCL-2024-0777" not in {h["id"] for h in then["hits"]}
    assert then["as_of"].startswith(between.isoformat()[:19])
    old_alerts = run(capsys, monkeypatch, home, "sql", "SELECT count(*) AS n FROM alerts WHERE doc_id = "
                     "'report:CL-SCL-2024-0777'", "--user", "gs_analyst", "--as-of", between.isoformat())
    assert old_alerts["rows"] == [{"n": 0}]


def test_as_of_before_the_lake_existed_is_one_clear_line(sample_home, capsys, monkeypatch):
    monkeypatch.setenv("INSIGHT_HOME", str(sample_home))
    assert main(["search", "Juan", "--user", "gs_analyst", "--as-of", "2001-01-01"]) == 2
    assert capsys.readouterr().err.strip() == ("insight: error: the lake held no documents yet at "
                                                "2001-01-01T23:59:59.999999+00:00")
