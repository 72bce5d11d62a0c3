"""Benchmark: how long a new file takes to become searchable, and what each stage of a refresh costs.

    python bench/freshness.py --size 10000 [--home DIR [--as-is]] [--one-message] [--cold | --watch]

On a generated drop zone of ``--size`` records (kept in ``--home`` when given, so that a second
run skips generating it and rebuilds it with ``--full``, or with ``--as-is`` goes straight to the
increments): a full build; then, each followed by an incremental ``insight materialize``, one new
message, ten new files of mixed sources, and a withdrawal. For each it prints the seconds per
stage (land, conform, extract, resolve, publish, index, patterns, checks), the slowest steps and
the total, and for new messages the seconds from the file's arrival until ``insight search``
finds it (searched every two seconds while the refresh runs, as an analyst would). Figures, not
asserts. Everything runs in this process, one Spark session kept warm from one refresh to the next;
with ``--cold`` each increment is an ``insight materialize`` process of its own, as a scheduled run
or a run of the sensor is: it pays Python's imports, the Spark session's start and the JVM's
warm-up; with ``--watch`` every increment is refreshed by one ``insight materialize --watch``,
started (and warmed up) before the first file arrives, which looks at raw/ every five seconds, and
a last message once it is warm, then one more that arrives as the rest of that message's refresh
starts its longest step (``gold/mentions``). The refresh's own progress lines go to the terminal.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_MESSAGE_ID = re.compile(r"^Message-ID:.*$", re.MULTILINE | re.IGNORECASE)
_DONE = re.compile(r"^\s+\d+:\d\d:\d\d\s+done\s+(.+?)  .*\s([\d.]+) s$")
_SAID = re.compile(r"^\d\d:\d\d:\d\d  (.*)$")  # a line of insight materialize --watch's own
_POLL = 2.0  # seconds between searches for a file that arrived
_RUN = str(int(time.time()))  # in every new id and word, so that a kept home takes new files each time


class _Steps(io.TextIOBase):
    """The progress ``insight materialize`` shows, passed on to the terminal (``echo``), with each
    step's seconds kept."""

    def __init__(self, echo: bool = True) -> None:
        self.seconds: dict[str, float] = {}
        self.echo = echo
        self._line = ""

    def isatty(self) -> bool:
        return False  # a line per step and a "still" line for long ones, not a redrawn live line

    def write(self, text: str) -> int:
        if self.echo:
            sys.stdout.write(text)
        self._line += text
        *lines, self._line = self._line.split("\n")
        for line in lines:
            found = _DONE.match(line)
            if found:
                self.seconds[found.group(1)] = float(found.group(2))
        return len(text)

    def flush(self) -> None:
        sys.stdout.flush()


def _stages() -> dict[str, str]:
    """The stage (Dagster group) of every step label the progress shows: a table, a multi-asset's op."""
    from assets.definitions import defs

    stages = {}
    for assets in defs.resolve_asset_graph().assets_defs:
        for key, group in assets.group_names_by_key.items():
            stages[key.to_user_string()] = group
            stages[assets.node_def.name] = group
    return stages


def _by_stage(steps: dict[str, float], stages: dict[str, str]) -> dict[str, float]:
    found: dict[str, float] = defaultdict(float)
    for label, seconds in steps.items():
        found["checks" if label.startswith("checks ") else stages.get(label, label)] += seconds
    return dict(found)


class _Searcher(threading.Thread):
    """Searches for each (word, document) every two seconds until ``insight search`` finds it; the
    seconds from its arrival (``arrived``, or when :meth:`add` was told of it) until each was found."""

    def __init__(self, home: Path, wanted: list[tuple[str, str]], arrived: float) -> None:
        super().__init__(daemon=True)
        self.home, self.wanted = home, dict(wanted)
        self.arrived = {token: arrived for token in self.wanted}
        self.found: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():  # until the refresh ends: :meth:`add` may add one more
            if self.wanted:
                self.look()
            self.stop.wait(_POLL)

    def look(self) -> None:
        from insight.session import QuerySession
        from pipelines.config import LakePaths

        for token, doc_id in list(self.wanted.items()):
            try:
                with QuerySession(LakePaths.from_env(self.home), "gs_analyst") as session:
                    hits = session.search(token, limit=50).get("hits", [])
            except Exception:  # a lake half-way through its first build: not found yet
                continue
            if doc_id in {h["id"] for h in hits}:
                self.found[token] = time.perf_counter() - self.arrived[token]
                del self.wanted[token]
                print(f"  >> {doc_id} found by insight search {self.found[token]:.1f} s after it arrived", flush=True)

    def add(self, wanted: tuple[str, str]) -> None:
        """One more (word, document), arrived now."""
        self.arrived[wanted[0]], self.wanted[wanted[0]] = time.perf_counter(), wanted[1]
        print(f"  >> {wanted[1]} written, the refresh under way", flush=True)


class _Watching:
    """``insight materialize --watch`` on the home: one process for every increment, started (and
    warmed up) before the first file arrives; its output passed on to the terminal."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.process = subprocess.Popen([sys.executable, "-m", "insight.cli", "materialize", "--watch"],
                                        env={**os.environ, "INSIGHT_HOME": str(home)}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.refreshed(until="waiting for new files")

    def _read(self) -> None:
        for line in self.process.stdout or ():
            sys.stdout.write(line)
            self.lines.put(line)
        self.lines.put("")  # the process ended

    def refreshed(self, until: str = "refreshed in",
                  at: tuple[str, Callable[[], None]] | None = None) -> dict[str, float]:
        """The seconds of each step until the watcher said ``until`` with no file left to land (the
        files of one increment may reach it in more than one look); ``at``: a text and what to do
        when the watcher first writes a line holding it."""
        from insight.materialize import MaterializeFailed
        from pipelines.config import LakePaths
        from pipelines.land.registry import pending_files
        from pipelines.sources import SOURCES

        steps = _Steps(echo=False)
        while True:
            line = self.lines.get()
            said = _SAID.match(line)
            failed = said and re.match(r"blocking check failed|step \S+ failed: ", said.group(1))
            if not line or failed:
                raise MaterializeFailed(f"insight materialize --watch: {line.strip() or 'ended'}")
            steps.write(line)
            if at and at[0] in line:
                at[1]()
                at = None
            if until in line and not pending_files(LakePaths.from_env(self.home), SOURCES.landed):
                return steps.seconds

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=120)


@dataclass(frozen=True)
class _How:
    """How an increment runs: in this warm process, as a process of its own (``cold``), or by the
    process ``watching`` the home."""

    cold: bool = False
    watching: _Watching | None = None

    @property
    def label(self) -> str:
        if self.watching:
            return " (by insight materialize --watch, started before the file arrived)"
        return " (insight materialize, a process of its own)" if self.cold else ""


def _materialize(home: Path, full: bool = False, how: _How = _How(),
                 at: tuple[str, Callable[[], None]] | None = None) -> tuple[float, dict[str, float]]:
    from insight.materialize import MaterializeFailed, run_refresh
    from pipelines.config import LakePaths

    steps = _Steps()
    started = time.perf_counter()
    if how.watching:
        seconds = how.watching.refreshed(at=at)
        return time.perf_counter() - started, seconds
    if how.cold:
        command = [sys.executable, "-m", "insight.cli", "materialize", *(["--full"] if full else [])]
        with subprocess.Popen(command, env={**os.environ, "INSIGHT_HOME": str(home)}, stdout=subprocess.PIPE,
                              text=True, bufsize=1) as process:
            for line in process.stdout or ():
                steps.write(line)
        success = process.returncode == 0
    else:
        success = run_refresh(LakePaths.from_env(home), full=full, progress=steps).success
    if not success:
        raise MaterializeFailed("the refresh failed: run insight materialize on the home to see why")
    return time.perf_counter() - started, steps.seconds


def _new_message(home: Path, n: int) -> tuple[str, str]:
    """A generated message sent again as a new one, with a word no other document holds; the word
    and the message's document."""
    template = sorted((home / "raw" / "messages").rglob("*.eml"))[n]
    token = f"zqfresh{_RUN}x{n}"
    message_id = f"fresh-{_RUN}-{n}@bench.insight"
    text = _MESSAGE_ID.sub(f"Message-ID: <{message_id}>", template.read_text(encoding="utf-8"), count=1)
    # Into the body of its text part: a multipart message's preamble is no part of any document.
    body = text.find("\n\n", max(text.find("Content-Type: text/plain"), 0)) + 2
    text = f"{text[:body]}Referencia {token}.\n{text[body:]}"
    target = home / "raw" / "messages" / "fresh" / f"fresh-{_RUN}-{n}.eml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return token, f"message:{message_id}"


def _new_lines(home: Path, source: str, n: int, id_field: str) -> None:
    """A file of ``source`` holding one record of an existing file under a new id."""
    template = sorted(p for p in (home / "raw" / source).glob("*") if p.is_file())[0]
    lines = template.read_text(encoding="utf-8").splitlines()
    target = home / "raw" / source / f"fresh-{_RUN}-{n}{template.suffix}"
    if template.suffix == ".csv":
        header, row = lines[0], lines[1].split(",")
        row[header.split(",").index(id_field)] = f"FRESH{_RUN}{n}"
        target.write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    else:
        record = json.loads(lines[0])
        record[id_field] = f"FRESH-{_RUN}-{n}"
        target.write_text(json.dumps(record) + "\n", encoding="utf-8")


def _refresh(title: str, home: Path, stages: dict[str, str], wanted: list[tuple[str, str]] = (),
             full: bool = False, how: _How = _How(), later: tuple[str, Callable[[], tuple[str, str]]] | None = None
             ) -> None:
    """One refresh (run ``how``), timed from the files' arrival, with the seconds until each of
    ``wanted`` was searchable; its figures printed. ``later`` (with a watcher): a progress text and
    a file written when the watcher shows it, whose seconds until searchable are printed too."""
    arrived = time.perf_counter()
    searcher = _Searcher(home, list(wanted), arrived)
    searcher.start()
    at = (later[0], lambda: searcher.add(later[1]())) if later else None
    total, steps = _materialize(home, full, how, at)
    searcher.stop.set()
    searcher.join()
    searcher.look()  # found by a search right after the refresh, at the latest
    print(f"\n{title}{how.label}: {total:.1f} s")
    for stage, seconds in sorted(_by_stage(steps, stages).items(), key=lambda s: -s[1]):
        print(f"  {stage:<12} {seconds:7.1f} s")
    print("  slowest steps: " + ", ".join(f"{k} {s:.1f} s" for s, k in
                                         sorted(((s, k) for k, s in steps.items()), reverse=True)[:5]))
    for token in searcher.arrived:
        seconds = searcher.found.get(token)
        print(f"  searchable {seconds:.1f} s after it arrived" if seconds is not None else
              "  NOT FOUND by insight search after the refresh")


def _more_increments(home: Path, stages: dict[str, str], how: _How) -> None:
    """Ten new files of mixed sources, then a withdrawal, each refreshed."""
    from pipelines.sources import SOURCES

    messages = [_new_message(home, n) for n in range(1, 5)]
    for n, source in enumerate(("notices", "diffusions", "reports", "sltd", "smv", "nominals"), start=5):
        _new_lines(home, source, n, SOURCES[source].id_field)
    _refresh("ten new files of mixed sources (four of them messages)", home, stages, messages, how=how)

    withdrawals = home / "raw" / "withdrawals"
    withdrawals.mkdir(parents=True, exist_ok=True)
    (withdrawals / f"fresh-{_RUN}.csv").write_text(
        f"source,source_id,withdrawn_by,withdrawn_at,withdrawal_reason\nnotices,FRESH-{_RUN}-5,IP,2024-04-01,benchmark\n",
        encoding="utf-8")
    _refresh("a withdrawal", home, stages, how=how)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", type=Path, help="kept between runs (default: a temporary folder)")
    parser.add_argument("--as-is", action="store_true",
                        help="with a built --home: no full rebuild, the increments on the lake as it is")
    parser.add_argument("--one-message", action="store_true",
                        help="only the first increment, one new message (a 1M lake takes some twenty minutes each)")
    process = parser.add_mutually_exclusive_group()
    process.add_argument("--cold", action="store_true",
                         help="each increment an insight materialize process of its own, not this warm one")
    process.add_argument("--watch", action="store_true",
                         help="every increment by one insight materialize --watch, started after the full build")
    args = parser.parse_args()
    from generator.dropzone import generate

    stages = _stages()
    home = args.home or Path(tempfile.mkdtemp(prefix=f"insight-freshness-{args.size}-"))
    if not (home / "lake").exists():
        started = time.perf_counter()
        generate(home, size=args.size, seed=args.seed, progress=False)
        print(f"generated {args.size:,} records in {time.perf_counter() - started:.0f} s at {home}")
        _refresh("full build", home, stages)
    elif not args.as_is:
        _refresh("full build (--full, the lake kept)", home, stages, full=True)

    how = _How(cold=args.cold, watching=_Watching(home) if args.watch else None)
    try:
        _refresh("one new message", home, stages, [_new_message(home, 0)], how=how)
        if not args.one_message:
            _more_increments(home, stages, how)
        if how.watching:  # its first refresh compiled its queries; this one finds them compiled
            _refresh("one new message again, the watcher warm", home, stages, [_new_message(home, 5)], how=how)
            # The worst moment for a file to arrive: as the longest step of the rest starts.
            _refresh("one new message, and one more as its refresh starts gold/mentions", home, stages,
                     [_new_message(home, 6)], how=how, later=("start  gold/mentions", lambda: _new_message(home, 7)))
    finally:
        if how.watching:
            how.watching.close()
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
