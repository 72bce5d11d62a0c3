"""Benchmark: how long a new file takes to become searchable, and what each step of a refresh costs.

    python bench/freshness.py --size 10000

On a generated drop zone of ``--size`` records (kept in ``--home`` when given, so a second run
skips the full build): a full build; then, each followed by an incremental ``insight materialize``,
one new message, ten new files of mixed sources, and a withdrawal. For each it prints the seconds
of every step that took more than a second and the total, and for the new files the seconds from
the file's arrival until ``insight search`` finds it. Figures, not asserts. Everything runs in this
process (one Spark session, as ``insight materialize`` has).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

_MESSAGE_ID = re.compile(r"^Message-ID:.*$", re.MULTILINE | re.IGNORECASE)


def _steps(result) -> dict[str, float]:
    """Seconds of each step of a run, from Dagster's events."""
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for event in result.all_events:
        key = event.step_key
        if key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[key] = event.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and key in started:
            seconds[key] = event.timestamp - started[key]
    return seconds


def _materialize(home: Path, full: bool = False) -> tuple[float, dict[str, float]]:
    from insight.materialize import MaterializeFailed, run_refresh
    from pipelines.config import LakePaths

    started = time.perf_counter()
    result = run_refresh(LakePaths.from_env(home), full=full)
    if not result.success:
        raise MaterializeFailed("the refresh failed: run insight materialize on the home to see why")
    return time.perf_counter() - started, _steps(result)


def _found(home: Path, query: str, doc_id: str) -> bool:
    from insight.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), _env(INSIGHT_HOME=str(home)):
        main(["search", query, "--user", "gs_analyst", "--json", "--limit", "50"])
    return doc_id in {h["id"] for h in json.loads(out.getvalue() or "{}").get("hits", [])}


@contextlib.contextmanager
def _env(**values: str):
    import os

    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _new_message(home: Path, n: int) -> tuple[Path, str, str]:
    """A generated message sent again as a new one, with a word no other document holds."""
    template = sorted((home / "raw" / "messages").rglob("*.eml"))[n]
    token = f"zqfresh{n}x"
    message_id = f"fresh-{n}@bench.insight"
    text = _MESSAGE_ID.sub(f"Message-ID: <{message_id}>", template.read_text(encoding="utf-8"), count=1)
    text = text.replace("\n\n", f"\n\nReferencia {token}.\n", 1)
    target = home / "raw" / "messages" / "fresh" / f"fresh-{n}.eml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target, token, f"message:{message_id}"


def _new_lines(home: Path, source: str, n: int, id_field: str) -> Path:
    """A file of ``source`` holding one record of an existing file under a new id."""
    template = sorted((home / "raw" / source).glob("*"))[0]
    lines = template.read_text(encoding="utf-8").splitlines()
    target = home / "raw" / source / f"fresh-{n}{template.suffix}"
    if template.suffix == ".csv":
        header, row = lines[0], lines[1].split(",")
        row[header.split(",").index(id_field)] = f"FRESH{n}"
        target.write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    else:
        record = json.loads(lines[0])
        record[id_field] = f"FRESH-{n}"
        target.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return target


def _print(title: str, total: float, steps: dict[str, float]) -> None:
    slow = sorted(((s, k) for k, s in steps.items() if s >= 1.0), reverse=True)
    print(f"\n{title}: {total:.1f} s")
    for seconds, key in slow:
        print(f"  {key:<40} {seconds:7.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", type=Path, help="kept between runs (default: a temporary folder)")
    args = parser.parse_args()
    from generator.dropzone import generate
    from pipelines.sources import SOURCES

    home = args.home or Path(tempfile.mkdtemp(prefix=f"insight-freshness-{args.size}-"))
    if not (home / "lake").exists():
        started = time.perf_counter()
        generate(home, size=args.size, seed=args.seed, progress=False)
        print(f"generated {args.size:,} records in {time.perf_counter() - started:.0f} s at {home}")
        _print("full build", *_materialize(home))
    else:
        _print("full build (--full, the lake kept)", *_materialize(home, full=True))

    _, token, doc_id = _new_message(home, 0)
    arrived = time.perf_counter()
    total, steps = _materialize(home)
    found = _found(home, token, doc_id)
    _print(f"one new message (searchable: {found}, {time.perf_counter() - arrived:.1f} s after it arrived)",
           total, steps)

    arrived = time.perf_counter()
    tokens = [_new_message(home, n) for n in range(1, 5)]
    for n, source in enumerate(("notices", "diffusions", "reports", "sltd", "smv", "nominals"), start=5):
        _new_lines(home, source, n, SOURCES[source].id_field)
    total, steps = _materialize(home)
    found = all(_found(home, t, d) for _, t, d in tokens)
    _print(f"ten new files of mixed sources (the messages searchable: {found}, "
           f"{time.perf_counter() - arrived:.1f} s after they arrived)", total, steps)

    withdrawals = home / "raw" / "withdrawals"
    withdrawals.mkdir(parents=True, exist_ok=True)
    (withdrawals / "fresh.csv").write_text("source,source_id,withdrawn_by,withdrawn_at,withdrawal_reason\n"
                                           "notices,FRESH-5,IP,2024-04-01,benchmark\n", encoding="utf-8")
    _print("a withdrawal", *_materialize(home))
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
