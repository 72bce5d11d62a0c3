"""The ``insight`` command: generate, materialize, evaluate, demo, search, entity, sql, export, alerts,
links, trends, audit, trino-sql, trino-rules.

Errors a user can fix print one line on stderr and exit 2; a broken system exits 1 with one
line too (``INSIGHT_DEBUG=1`` shows the traceback).
"""
from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import os
import sys
import time
from typing import Any, Callable, Iterator, Sequence, TypeVar

from pipelines.config import LakePaths

T = TypeVar("T")

EXIT_USAGE = 2
EXIT_BROKEN = 1


class CliError(Exception):
    """A user-facing failure with a one-line message."""


def _paths() -> LakePaths:
    return LakePaths.from_env()


def _engine(user_id: str, as_of: dt.datetime | None = None):
    from insight.engine import EmbeddedEngine
    from insight.users import find_user

    paths = _paths()
    return EmbeddedEngine(paths, find_user(paths.users_file, user_id), as_of)


def _instant(text: str | None, option: str, date_means_end: bool = False) -> dt.datetime | None:
    """``YYYY-MM-DD[THH:MM[:SS]]`` as an instant (UTC unless it says otherwise); a date means its
    start, or with ``date_means_end`` its end (``--as-of``: what was known by that day)."""
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date or time (YYYY-MM-DD[THH:MM])") from None
    if date_means_end and len(text) == 10:
        value += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _as_of_note(statement: str, as_of: dt.datetime | None) -> str:
    """What the audit records: the statement, and the date it was answered as of."""
    return statement if as_of is None else f"{statement} [as of {as_of.isoformat()}]"


def _json_value(value: Any) -> Any:
    """JSON for what SQL returns beyond JSON's types: exact numbers stay numbers, the rest text."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=_json_value))


def _clip(text: Any, width: int) -> str:
    value = " ".join(str("" if text is None else text).split())
    return value if len(value) <= width else value[: width - 1] + "…"


def _print_table(rows: list[dict[str, Any]], columns: Sequence[str], widths: dict[str, int] | None = None) -> None:
    widths = widths or {}
    cells = [[_clip(r.get(c), widths.get(c, 40)) for c in columns] for r in rows]
    size = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(size[i]) for i, c in enumerate(columns)))
    print("  ".join("-" * size[i] for i in range(len(columns))))
    for row in cells:
        print("  ".join(v.ljust(size[i]) for i, v in enumerate(row)))


def _audited(user: str, action: str, statement: str, run: Callable[[], T],
             returned: Callable[[T], tuple[int, list[str]]]) -> T:
    """Runs a read and appends it to the audit table before its answer is shown; a refused or
    failed attempt is recorded too, with its reason."""
    from insight.audit import Event, record

    try:
        answer = run()
    except Exception as exc:
        refused = isinstance(exc, (CliError, ValueError))
        record(_paths(), Event(user, action, statement, f"{'refused' if refused else 'failed'}: {_one_line(exc)}"))
        raise
    rows, doc_ids = returned(answer)
    record(_paths(), Event(user, action, statement, "ok", rows, doc_ids))
    return answer


def _search(user: str, query: str, limit: int, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """One search as ``user`` (on the lake as it stood at ``as_of``), audited."""
    from insight.search import search

    engine = _engine(user, as_of)
    try:
        return _audited(user, "search", _as_of_note(query, as_of), lambda: search(engine, query, limit),
                        lambda a: (len(a["hits"]), [h["id"] for h in a["hits"] if h["kind"] == "document"]))
    finally:
        engine.close()


def cmd_search(args: argparse.Namespace) -> None:
    as_of = _instant(args.as_of, "--as-of", date_means_end=True)
    answer = _search(args.user, args.query, args.limit, as_of)
    if as_of is not None:
        answer["as_of"] = as_of.isoformat()
    if args.json:
        _print_json(answer)
        return
    print(f"{len(answer['hits'])} hits for {answer['query']!r} as {answer['user']} in {answer['took_ms']} ms"
          + (f", as of {as_of.isoformat()}" if as_of else ""))
    if answer["hits"]:
        _print_table(answer["hits"], ["score", "source", "source_id", "owner_country", "title", "snippet"],
                     {"title": 50, "snippet": 70, "source_id": 36})


def cmd_entity(args: argparse.Namespace) -> None:
    from insight.entity import entity

    as_of = _instant(args.as_of, "--as-of", date_means_end=True)
    engine = _engine(args.user, as_of)
    try:
        answer = _audited(args.user, "entity", _as_of_note(args.entity_id, as_of), lambda: entity(engine, args.entity_id),
                          lambda a: (len(a["documents"]), [d["doc_id"] for d in a["documents"]]))
    finally:
        engine.close()
    if args.json:
        _print_json(answer)
        return
    e = answer["entity"]
    print(f"{e['entity_id']}  {e['entity_type']}  {e['name']}  ({e['mentions']} mentions, seen {e['first_seen']} "
          f"to {e['last_seen']}, in {', '.join(e['sources'])})")
    print(f"names: {'; '.join(e['names'])}\n")
    print(f"{len(answer['documents'])} documents")
    _print_table(answer["documents"], ["event_date", "source", "source_id", "owner_country", "title"],
                 {"title": 60, "source_id": 36})
    print(f"\n{len(answer['links'])} linked entities (two hops at most)")
    _print_table(answer["links"], ["hops", "relation", "entity_type", "value", "doc_ids"], {"doc_ids": 60})


def cmd_sql(args: argparse.Namespace) -> None:
    import duckdb

    from insight.audit import document_ids

    def run() -> Any:
        try:
            return engine.sql(args.statement)
        except duckdb.Error as exc:
            raise CliError(f"bad SQL: {_one_line(exc)}") from None

    as_of = _instant(args.as_of, "--as-of", date_means_end=True)
    engine = _engine(args.user, as_of)
    try:
        table = _audited(args.user, "sql", _as_of_note(args.statement, as_of), run,
                         lambda t: (t.num_rows, document_ids(t.select(
                             [c for c in ("doc_id", "doc_ids") if c in t.column_names]).to_pylist())))
    finally:
        engine.close()
    rows = table.to_pylist()
    if args.json:
        _print_json({"columns": table.column_names, "rows": rows})
        return
    _print_table(rows, table.column_names)
    print(f"({len(rows)} rows)")


_EXPORT_ENTITIES = ("SELECT entity_id, max(entity_type) AS entity_type, max(name) AS name, "
                    "array_distinct(flatten(array_agg(names))) AS names, array_agg(properties) AS properties "
                    "FROM entities GROUP BY entity_id")
_EXPORT_LINKS = ("SELECT src_entity_id, dst_entity_id, relation, array_distinct(flatten(array_agg(doc_ids))) AS doc_ids "
                 "FROM entity_links GROUP BY src_entity_id, dst_entity_id, relation")


def _rows(table: Any) -> Iterator[dict[str, Any]]:
    for batch in table.to_batches(max_chunksize=10_000):
        yield from batch.to_pylist()


def cmd_export(args: argparse.Namespace) -> None:
    from pipelines.resolve.ftm import ftm_entities

    from insight.audit import Event, record

    engine = _engine(args.user)
    # Recorded before a line is written: an export is the whole graph the user may see.
    record(_paths(), Event(args.user, "export", f"export to {args.out}"))
    out = open(args.out, "w", encoding="utf-8") if args.out != "-" else sys.stdout
    count = 0
    try:
        types = dict(zip(*engine.sql("SELECT DISTINCT entity_id, entity_type FROM entities").to_pydict().values()))
        for entity in ftm_entities(types, _rows(engine.sql(_EXPORT_ENTITIES)), _rows(engine.sql(_EXPORT_LINKS))):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    finally:
        engine.close()
        if out is not sys.stdout:
            out.close()
    if args.out != "-":
        print(f"wrote {count} FollowTheMoney entities visible to {args.user} to {args.out}")


def _finding_reads(args: argparse.Namespace, action: str, read: Callable[..., list[dict[str, Any]]],
                   **options: Any) -> list[dict[str, Any]]:
    """One read of alerts, links or trends as ``args.user``, audited with the documents it showed."""
    engine = _engine(args.user)
    statement = " ".join([action, *(f"--{k.replace('_', '-')} {v}" for k, v in options.items() if v is not None)])
    try:
        return _audited(args.user, action, statement, lambda: read(engine, **options),
                        lambda rows: (len(rows), sorted({d for r in rows for d in (r.get("doc_id"), r.get("watch_doc_id"))
                                                         if d})))
    finally:
        engine.close()


def cmd_alerts(args: argparse.Namespace) -> None:
    from insight.patterns import alerts

    rows = _finding_reads(args, "alerts", alerts, since=_instant(args.since, "--since"), limit=args.limit)
    if args.json:
        return _print_json(rows)
    _print_table([{**r, "via": f"{r['via_relation']} {r['via_name']}" if r["via_entity_id"] else "same person"}
                  for r in rows],
                 ["raised_at", "watch_title", "via", "source", "title", "event_date", "owner_country"],
                 {"watch_title": 50, "title": 40, "via": 36, "raised_at": 19})
    print(f"({len(rows)} alerts)")


def cmd_links(args: argparse.Namespace) -> None:
    from insight.patterns import hidden_links

    rows = _finding_reads(args, "links", hidden_links, since=_instant(args.since, "--since"), limit=args.limit)
    if args.json:
        return _print_json(rows)
    _print_table([{**r, "from": f"{r['src_name']} ({r['src_country']})", "through": r["via_name"],
                   "to": f"{r['dst_name']} ({r['dst_country']})", "strength": round(r["strength"], 2)} for r in rows],
                 ["strength", "from", "through", "to", "paths", "documents", "first_seen"],
                 {"from": 40, "to": 40, "through": 30, "first_seen": 19})
    print(f"({len(rows)} pairs)")


def cmd_trends(args: argparse.Namespace) -> None:
    from insight.patterns import hotspots, trends

    since = _instant(args.since, "--since")
    day = since.date() if since else None
    if args.hotspots:
        rows = _finding_reads(args, "trends", hotspots, since=day, category=args.category, limit=args.limit)
        columns = ["cell", "lat", "lon", "category", "reports", "first_month", "last_month"]
    else:
        rows = _finding_reads(args, "trends", trends, since=day, country=args.country, category=args.category,
                              limit=args.limit)
        columns = ["month", "country", "category", "source", "documents", "previous", "change"]
    if args.json:
        return _print_json(rows)
    _print_table(rows, columns)
    print(f"({len(rows)} rows)")


def cmd_audit(args: argparse.Namespace) -> None:
    from insight.audit import events

    found = events(_paths(), args.user, _instant(args.since, "--since"))
    if args.json:
        _print_json(found)
        return
    _print_table([{**e, "doc_ids": len(e["doc_ids"])} for e in found],
                 ["at", "user", "action", "outcome", "row_count", "doc_ids", "statement"], {"statement": 60, "outcome": 40})
    print(f"({len(found)} events)")


def cmd_trino_rules(args: argparse.Namespace) -> None:
    from insight.trino import access_rules
    from insight.users import load_users

    print(json.dumps(access_rules(load_users(_paths().users_file).values(), args.admin), indent=2))


def cmd_trino_sql(args: argparse.Namespace) -> None:
    from insight.trino import statements
    from insight.users import load_users

    users = load_users(_paths().users_file).values()
    for statement in statements(args.lake_uri, users, register=args.register):
        print(statement + ";")


def cmd_generate(args: argparse.Namespace) -> None:
    from generator.dropzone import generate

    paths = _paths()
    summary = generate(paths.home, size=args.size, seed=args.seed, dirty_rate=args.dirty_rate,
                       progress=not args.quiet)
    print(f"wrote {summary.records} records in {summary.files} files to {paths.raw} "
          f"({summary.dirty} dirty units planted; truth in {summary.truth_dir})")


def cmd_materialize(args: argparse.Namespace) -> None:
    from insight.materialize import materialize_all

    for line in materialize_all(_paths()):
        print(line)


def cmd_evaluate(args: argparse.Namespace) -> None:
    from deltalake import DeltaTable

    from pipelines.extract.evaluate import evaluate, totals
    from pipelines.patterns.evaluate import alert_recall
    from pipelines.resolve.evaluate import evaluate as evaluate_resolution

    paths = _paths()
    if not (paths.home / "truth" / "mentions").is_dir():
        raise CliError(f"no ground truth under {paths.home / 'truth'}: evaluate a home made by insight generate")
    if not DeltaTable.is_deltatable(paths.table("silver", "mentions")):
        raise CliError("no silver/mentions table yet: run insight materialize first")
    scores = evaluate(paths.home)
    by_language = sorted(scores.items())
    overall = [((mode, kind, "all"), s) for (mode, kind), s in sorted(totals(scores).items())]
    # The truth of a structured record lists its main person's fields only: there, precision is unknown.
    rows = [{"mode": mode, "type": kind, "language": lang, "recall": f"{s.recall:.3f}", "tp": s.tp, "fn": s.fn,
             **({"precision": None, "f1": None, "fp": None} if mode == "structured" else
                {"precision": f"{s.precision:.3f}", "f1": f"{s.f1:.3f}", "fp": s.fp})}
            for (mode, kind, lang), s in by_language + overall]
    resolution = []
    if DeltaTable.is_deltatable(paths.table("gold", "mentions")):
        for q in evaluate_resolution(paths.home):
            for measure, s in (("pairwise", q.pairwise), ("clusters", q.clusters)):
                resolution.append({"population": q.population, "measure": measure, "items": q.items,
                                   "precision": f"{s.precision:.4f}", "recall": f"{s.recall:.4f}",
                                   "f1": f"{s.f1:.4f}", "tp": s.tp, "fp": s.fp, "fn": s.fn,
                                   "namesakes_merged": q.namesakes_merged, "unmatched": q.unmatched})
    alerts = None
    if DeltaTable.is_deltatable(paths.table("gold", "alerts")):
        found = alert_recall(paths.home)
        alerts = {"planted": found.planted, "raised": found.raised, "recall": round(found.recall, 4),
                  "not_in_lake": found.not_in_lake, "missed": [list(m) for m in found.missed[:20]]}
    if args.json:
        print(json.dumps({"extraction": rows, "resolution": resolution, "alerts": alerts}, indent=2))
        return
    print("extraction")
    _print_table([{k: "n/a" if v is None else v for k, v in row.items()} for row in rows],
                 ["mode", "type", "language", "precision", "recall", "f1", "tp", "fp", "fn"])
    if resolution:
        print("\nperson resolution (namesakes_merged: pairs of planted same-name persons put in one entity)")
        _print_table(resolution, ["population", "measure", "items", "precision", "recall", "f1", "tp", "fp", "fn",
                                  "namesakes_merged", "unmatched"])
    if alerts:
        print(f"\nplanted watchlist alerts: {alerts['raised']}/{alerts['planted']} raised (recall "
              f"{alerts['recall']:.4f}); {alerts['not_in_lake']} rest on a document quarantined as bad input")
        for watch, doc in alerts["missed"]:
            print(f"  missed: {watch} -> {doc}")


def cmd_demo(args: argparse.Namespace) -> None:
    from generator.dropzone import generate
    from insight.materialize import materialize_all

    paths = _paths()
    started = time.perf_counter()
    summary = generate(paths.home, size=args.size, seed=args.seed, progress=False)
    print(f"generated {summary.records} records in {summary.files} files under {paths.raw}")
    for line in materialize_all(paths):
        print(line)
    print(f"materialized in {time.perf_counter() - started:.0f} s")
    query = summary.demo_query
    print(f"\n$ insight search {query!r} --user {args.user}")
    answer = _search(args.user, query, 10)
    print(f"{len(answer['hits'])} hits in {answer['took_ms']} ms")
    _print_table(answer["hits"], ["score", "source", "source_id", "owner_country", "title"], {"title": 60})
    persons = [e["entity_id"] for hit in answer["hits"] for e in hit["entities"] if e["entity_type"] == "person"]
    if persons:  # the person behind the hits, resolved across sources
        person = max(set(persons), key=persons.count)
        print(f"\n$ insight entity {person} --user {args.user}")
        cmd_entity(argparse.Namespace(entity_id=person, user=args.user, json=False, as_of=None))
    print(f"\n$ insight alerts --user {args.user} --limit 5")
    cmd_alerts(argparse.Namespace(user=args.user, since=None, limit=5, json=False))


_AS_OF = ("answer from the lake as it stood at this date or time (UTC; a date means its end): what could "
          "have been known then")


def _reading(sub: Any, name: str, func: Callable[[argparse.Namespace], None], help: str,
             since: str) -> argparse.ArgumentParser:
    """A command reading what the lake found, as one user: ``--user``, ``--since``, ``--limit``, ``--json``."""
    parser = sub.add_parser(name, help=help)
    parser.add_argument("--user", required=True)
    parser.add_argument("--since", help=since)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="insight", description="Insight: one search over every police source.")
    sub = parser.add_subparsers(dest="command", required=True)

    search_p = sub.add_parser("search", help="one ranked search over every source, as a user sees it")
    search_p.add_argument("query")
    search_p.add_argument("--user", required=True)
    search_p.add_argument("--limit", type=int, default=10)
    search_p.add_argument("--as-of", help=_AS_OF)
    search_p.add_argument("--json", action="store_true")
    search_p.set_defaults(func=cmd_search)

    entity_p = sub.add_parser("entity", help="one entity, every document naming it, its links up to two hops")
    entity_p.add_argument("entity_id")
    entity_p.add_argument("--user", required=True)
    entity_p.add_argument("--as-of", help=_AS_OF)
    entity_p.add_argument("--json", action="store_true")
    entity_p.set_defaults(func=cmd_entity)

    sql_p = sub.add_parser("sql", help="SQL (Trino dialect) over the curated views, as a user sees them")
    sql_p.add_argument("statement")
    sql_p.add_argument("--user", required=True)
    sql_p.add_argument("--as-of", help=_AS_OF)
    sql_p.add_argument("--json", action="store_true")
    sql_p.set_defaults(func=cmd_sql)

    export_p = sub.add_parser("export", help="the entity graph a user may see, as FollowTheMoney entities "
                                             "(JSON lines) for Aleph and OpenSanctions tools")
    export_p.add_argument("--user", required=True)
    export_p.add_argument("--out", default="-", help="a file to write, or - for standard output (default)")
    export_p.set_defaults(func=cmd_export)

    _reading(sub, "alerts", cmd_alerts, "watchlist hits: documents touching the subject of a notice or diffusion",
             "raised from this date or time (UTC), e.g. 2026-11-01")
    _reading(sub, "links", cmd_links, "hidden links: two persons joined through a third entity by two countries' data",
             "first joined from this date or time (UTC)")
    trends_p = _reading(sub, "trends", cmd_trends, "documents by country, month, offence category and source, with "
                        "the change from the month before (or, with --hotspots, the cells with most reports)",
                        "from this month on, e.g. 2025-01-01")
    trends_p.add_argument("--country")
    trends_p.add_argument("--category", help="an offence category, e.g. drug_trafficking")
    trends_p.add_argument("--hotspots", action="store_true")

    audit_p = sub.add_parser("audit", help="who searched, looked up, queried or exported what, and what they got")
    audit_p.add_argument("--user", help="one user's events (everyone's without it)")
    audit_p.add_argument("--since", help="from this date or time (UTC), e.g. 2026-11-01 or 2026-11-25T09:00")
    audit_p.add_argument("--json", action="store_true")
    audit_p.set_defaults(func=cmd_audit)

    trino_p = sub.add_parser("trino-sql", help="the Trino statements that serve the curated views at scale "
                             "(schemas, users, views; --register: the gold tables too)")
    trino_p.add_argument("--lake-uri", required=True, help="the lake as Trino reaches it, e.g. s3://insight/lake")
    trino_p.add_argument("--register", action="store_true", help="register the gold Delta tables (once per table)")
    trino_p.set_defaults(func=cmd_trino_sql)

    rules_p = sub.add_parser("trino-rules", help="Trino's file-based access-control rules (rules.json) from "
                             "users.yaml and the access rule")
    rules_p.add_argument("--admin", default="admin", help="the Trino user who owns the views (default admin)")
    rules_p.set_defaults(func=cmd_trino_rules)

    gen_p = sub.add_parser("generate", help="write a realistic drop zone of about N records")
    gen_p.add_argument("--size", type=int, default=1000)
    gen_p.add_argument("--seed", type=int, default=7)
    gen_p.add_argument("--dirty-rate", type=float, default=0.01)
    gen_p.add_argument("--quiet", action="store_true")
    gen_p.set_defaults(func=cmd_generate)

    mat_p = sub.add_parser("materialize", help="land what is new in raw/ and rebuild every table depending on it")
    mat_p.set_defaults(func=cmd_materialize)

    eval_p = sub.add_parser("evaluate", help="extraction precision/recall per type and language, and person "
                                             "resolution pairwise/cluster scores, against the generator's truth "
                                             "(a home made by insight generate, materialized)")
    eval_p.add_argument("--json", action="store_true")
    eval_p.set_defaults(func=cmd_evaluate)

    demo_p = sub.add_parser("demo", help="generate, materialize and show a search")
    demo_p.add_argument("--size", type=int, default=2000)
    demo_p.add_argument("--seed", type=int, default=7)
    demo_p.add_argument("--user", default="gs_analyst")
    demo_p.set_defaults(func=cmd_demo)
    return parser


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from insight.engine import LakeNotReady
    from insight.sql_guard import RefusedSql
    from insight.users import UserError

    try:
        args.func(args)
    except (CliError, UserError, LakeNotReady, RefusedSql, ValueError) as exc:
        print(f"insight: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("insight: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a broken system: one line, the traceback only on request
        if os.environ.get("INSIGHT_DEBUG"):
            raise
        print(f"insight: failed: {type(exc).__name__}: {_one_line(exc)} (INSIGHT_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return EXIT_BROKEN
    return 0


if __name__ == "__main__":
    sys.exit(main())
