"""The generator is deterministic for a seed, and its truth matches what it wrote."""
import hashlib
import json
from pathlib import Path

from generator.dropzone import generate, iter_truth
from generator.people import DECOY_EVERY, person
from pipelines.identifiers import canonical_iban, canonical_phone, canonical_vin


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
    narratives = {}
    for file in (tmp_path / "raw" / "reports").glob("*.jsonl"):
        for line in file.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            narratives[record["report_id"]] = record["narrative"]
    mentions = [m for m in iter_truth(tmp_path, "mentions") if m["source"] == "reports"]
    assert mentions
    for m in mentions:
        assert narratives[m["source_id"]][m["start"]:m["end"]] == m["text"]


def test_identifiers_are_valid_and_decoys_share_only_the_name():
    for index in range(1, 200):
        p = person(9, index)
        assert all(canonical_phone(phone) == phone for phone in p.phones)
        if p.vehicle:
            assert canonical_vin(p.vehicle[0]) == p.vehicle[0]
        if p.iban:
            assert canonical_iban(p.iban) == p.iban
    twin, original = person(9, DECOY_EVERY + 1), person(9, DECOY_EVERY)
    assert twin.full_name == original.full_name
    assert (twin.born, twin.passport) != (original.born, original.passport)


def test_structured_mentions_normalize_to_their_canonical_value(tmp_path):
    from pipelines.identifiers import canonical_document_number, canonical_plate

    generate(tmp_path, size=400, seed=4, dirty_rate=0.0, progress=False)
    normalizers = {"phone": canonical_phone, "identity_document": canonical_document_number,
                   "vehicle": canonical_vin, "plate": canonical_plate}
    checked = 0
    for m in iter_truth(tmp_path, "mentions"):
        if m["start"] is None and m["entity_type"] in normalizers:
            assert normalizers[m["entity_type"]](m["text"]) == m["canonical"], m
            checked += 1
    assert checked > 300
