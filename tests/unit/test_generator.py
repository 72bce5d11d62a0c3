"""The generator is deterministic for a seed, and its truth matches what it wrote."""
import hashlib
import json
from pathlib import Path

from stdnum.ar import cuit as ar_cuit
from stdnum.br import cpf as br_cpf
from stdnum.cl import rut as cl_rut

from generator.dropzone import generate
from generator.people import DECOY_EVERY, person
from pipelines.identifiers import canonical_identifier
from pipelines.identifiers.iban import canonical_iban
from pipelines.identifiers.phone import canonical_phone
from pipelines.identifiers.vin import canonical_vin
from pipelines.truth import iter_truth


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in (root / "raw").rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_drop_zone(tmp_path):
    generate(tmp_path / "a", size=150, seed=5, progress=False)
    generate(tmp_path / "b", size=150, seed=5, progress=False)
    generate(tmp_path / "c", size=150, seed=6, progress=False)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_all_seven_sources_and_planted_mentions_at_their_offsets(tmp_path):
    generate(tmp_path, size=300, seed=3, dirty_rate=0.0, progress=False)
    assert {p.name for p in (tmp_path / "raw").iterdir()} == {
        "notices", "diffusions", "messages", "reports", "sltd", "smv", "nominals"}
    texts = {}  # (source, id, field) → free text: a report's narrative, a diffusion's summary
    for source, id_field, field in (("reports", "report_id", "narrative"), ("diffusions", "diffusion_id", "summary")):
        for file in (tmp_path / "raw" / source).glob("*.jsonl"):
            for line in file.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                texts[(source, record[id_field], field)] = record[field]
    mentions = [m for m in iter_truth(tmp_path, "mentions") if m["source"] in ("reports", "diffusions")
                and m["start"] is not None]
    assert any(m["source"] == "reports" for m in mentions)
    for m in mentions:
        assert texts[(m["source"], m["source_id"], m["field"])][m["start"]:m["end"]] == m["text"]
    partners = [m for m in mentions if m["source"] == "diffusions"]
    # every diffusion names its subject's partner in the summary, and the truth says who he is
    assert len(partners) == sum(1 for key in texts if key[0] == "diffusions") > 0
    assert all(m["entity_type"] == "person" and m["person_id"] for m in partners)


def test_identifiers_are_valid_and_decoys_share_only_the_name():
    for index in range(1, 400):
        p = person(9, index)
        assert all(canonical_phone(phone) == phone for phone in p.phones)
        if p.vehicle:
            assert canonical_vin(p.vehicle[0]) == p.vehicle[0]
        if p.iban:
            assert canonical_iban(p.iban) == p.iban
        if p.imei:
            assert canonical_identifier("imei", p.imei) == p.imei
        if p.wallet:
            assert canonical_identifier("crypto_wallet", p.wallet) == p.wallet
        kind, number, written = p.national_id
        if kind in ("cpf", "cuit", "rut"):
            assert {"cpf": br_cpf, "cuit": ar_cuit, "rut": cl_rut}[kind].is_valid(written)
    twin, original = person(9, DECOY_EVERY + 1), person(9, DECOY_EVERY)
    assert twin.full_name == original.full_name
    assert (twin.born, twin.passport) != (original.born, original.passport)


def test_structured_mentions_normalize_to_their_canonical_value(tmp_path):
    from pipelines.identifiers.document import canonical_document_number
    from pipelines.identifiers.plate import canonical_plate

    generate(tmp_path, size=400, seed=4, dirty_rate=0.0, progress=False)
    normalizers = {"phone": canonical_phone, "identity_document": canonical_document_number,
                   "vehicle": canonical_vin, "plate": canonical_plate,
                   "imei": lambda t: canonical_identifier("imei", t),
                   "crypto_wallet": lambda t: canonical_identifier("crypto_wallet", t)}
    checked = 0
    for m in iter_truth(tmp_path, "mentions"):
        # A national phone form in free text needs the document's countries: extraction's job.
        in_text_phone = m["start"] is not None and m["entity_type"] == "phone"
        if m["entity_type"] in normalizers and "\n" not in m["text"] and not in_text_phone:
            assert normalizers[m["entity_type"]](m["text"]) == m["canonical"], m
            checked += 1
    assert checked > 300


def test_workers_spawned_beside_other_threads_write_the_same_bytes(tmp_path):
    import threading

    generate(tmp_path / "a", size=3000, seed=9, progress=False, workers=2)
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait)  # as a Spark gateway or a Delta runtime would be
    busy.start()
    try:
        generate(tmp_path / "b", size=3000, seed=9, progress=False, workers=2)
    finally:
        stop.set()
        busy.join()
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
