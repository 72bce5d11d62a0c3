"""The ``insight`` command: generate, materialize, evaluate, demo, search, entity, sql, export, alerts,
links, trends, audit, trino (up, down, status), trino-sql, trino-rules, trino-config.

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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from insight.errors import InsightError
from pipelines.config import LakePaths

if TYPE_CHECKING:
    from insight.session import QuerySession

EXIT_USAGE = 2
EXIT_BROKEN = 1


class CliError(InsightError):
    """A bad option or argument (a one-line message)."""


def _interval(text: str) -> float:
    """A positive number of seconds, for argparse."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return seconds


def _paths() -> LakePaths:
    return LakePaths.from_env()


def _session(args: argparse.Namespace, as_of: dt.datetime | None = None) -> QuerySession:
    from insight.session import EngineChoice, QuerySession

    return QuerySession(_paths(), args.user, EngineChoice.from_env(getattr(args, "engine", None)), as_of)


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


def _print_search(answer: dict[str, Any], as_of: dt.datetime | None) -> None:
    print(f"{len(answer['hits'])} hits for {answer['query']!r} as {answer['user']} in {answer['took_ms']} ms"
          + (f", as of {as_of.isoformat()}" if as_of else ""))
    if answer["hits"]:
        _print_table(answer["hits"], ["score", "source", "source_id", "owner_country", "title", "snippet"],
                     {"title": 50, "snippet": 70, "source_id": 36})


def cmd_search(args: argparse.Namespace) -> None:
    as_of = _instant(args.as_of, "--as-of", date_means_end=True)
    with _session(args, as_of) as session:
        answer = session.search(args.query, args.limit)
    if args.json:
        _print_json(answer)
    else:
        _print_search(answer, as_of)


def cmd_entity(args: argparse.Namespace) -> None:
    with _session(args, _instant(args.as_of, "--as-of", date_means_end=True)) as session:
        answer = session.entity(args.entity_id)
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
    with _session(args, _instant(args.as_of, "--as-of", date_means_end=True)) as session:
        table = session.sql(args.statement)
    rows = table.to_pylist()
    if args.json:
        _print_json({"columns": table.column_names, "rows": rows})
        return
    _print_table(rows, table.column_names)
    print(f"({len(rows)} rows)")


def cmd_export(args: argparse.Namespace) -> None:
    out = open(args.out, "w", encoding="utf-8") if args.out != "-" else sys.stdout
    count = 0
    try:
        with _session(args) as session:
            for entity in session.export(args.out):
                out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out != "-":
        print(f"wrote {count} FollowTheMoney entities visible to {args.user} to {args.out}")


def cmd_alerts(args: argparse.Namespace) -> None:
    with _session(args) as session:
        rows = session.alerts(since=_instant(args.since, "--since"), limit=args.limit)
    if args.json:
        return _print_json(rows)
    _print_table([{**r, "via": f"{r['via_relation']} {r['via_name']}" if r["via_entity_id"] else "same person"}
                  for r in rows],
                 ["raised_at", "watch_title", "via", "source", "title", "event_date", "owner_country"],
                 {"watch_title": 50, "title": 40, "via": 36, "raised_at": 19})
    print(f"({len(rows)} alerts)")


def cmd_links(args: argparse.Namespace) -> None:
    with _session(args) as session:
        rows = session.hidden_links(since=_instant(args.since, "--since"), limit=args.limit)
    if args.json:
        return _print_json(rows)
    _print_table([{**r, "from": f"{r['src_name']} ({r['src_country']})", "through": r["via_name"],
                   "to": f"{r['dst_name']} ({r['dst_country']})", "strength": round(r["strength"], 2)} for r in rows],
                 ["strength", "from", "through", "to", "paths", "documents", "first_seen"],
                 {"from": 40, "to": 40, "through": 30, "first_seen": 19})
    print(f"({len(rows)} pairs)")


def cmd_trends(args: argparse.Namespace) -> None:
    since = _instant(args.since, "--since")
    day = since.date() if since else None
    with _session(args) as session:
        if args.hotspots:
            rows = session.hotspots(since=day, category=args.category, limit=args.limit)
            columns = ["cell", "lat", "lon", "category", "reports", "first_month", "last_month"]
        else:
            rows = session.trends(since=day, country=args.country, category=args.category, limit=args.limit)
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
                 ["at", "user", "action", "outcome", "row_count", "doc_ids", "statement"],
                 {"statement": 60, "outcome": 40})
    print(f"({len(found)} events)")


def cmd_trino_rules(args: argparse.Namespace) -> None:
    from insight.trino.statements import access_rules
    from insight.users import load_users

    print(json.dumps(access_rules(load_users(_paths().users_file).values(), args.admin), indent=2))


def cmd_trino_sql(args: argparse.Namespace) -> None:
    from insight.trino.statements import statements
    from insight.users import load_users

    users = load_users(_paths().users_file).values()
    for statement in statements(args.lake_uri, users, register=args.register):
        print(statement + ";")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_trino(args: argparse.Namespace) -> None:
    from insight.trino.server import LocalTrino

    if args.action == "install":
        from insight.trino.server import install, java_home

        print(f"Trino in {install(say=_say)}, on Java in {java_home(say=_say)}")
        return
    server = LocalTrino(_paths())
    if args.action == "up":
        print(server.up(args.port, say=_say))
    elif args.action == "down":
        print("stopped" if server.down() else "Trino was not running")
    else:
        print(server.status())


def cmd_trino_config(args: argparse.Namespace) -> None:
    from insight.trino.config import write_catalog

    out = Path(args.out)
    write_catalog(out, args.lake_uri.rstrip("/"), args.metastore_uri, args.rules_file)
    print(f"wrote {out / 'catalog'} and {out / 'access-control.properties'}")


def cmd_generate(args: argparse.Namespace) -> None:
    from generator.dropzone import generate

    paths = _paths()
    summary = generate(paths.home, size=args.size, seed=args.seed, dirty_rate=args.dirty_rate,
                       progress=not args.quiet)
    print(f"wrote {summary.records} records in {summary.files} files to {paths.raw} "
          f"({summary.dirty} dirty units planted; truth in {summary.truth_dir})")


WATCH_EVERY = 5.0  # seconds between two looks at raw/ of insight materialize --watch, unless --every


def cmd_materialize(args: argparse.Namespace) -> None:
    from insight.materialize import materialize_all

    if args.every is not None and not args.watch:
        raise CliError("--every goes with --watch: how often raw/ is looked at")
    if args.watch:
        from insight.watch import watch

        watch(_paths(), args.every or WATCH_EVERY, sys.stdout, progress=None if args.quiet else sys.stdout)
        return
    started = time.perf_counter()
    for line in materialize_all(_paths(), progress=None if args.quiet else sys.stdout, full=args.full):
        print(line)
    if not args.quiet:
        print(f"materialized in {time.perf_counter() - started:.0f} s")


def cmd_evaluate(args: argparse.Namespace) -> None:
    from generator.prose import HELD_OUT_FAMILY, HELD_OUT_SEED
    from generator.training import held_out_rows
    from pipelines.delta import is_table
    from pipelines.extract.evaluate import evaluate, totals
    from pipelines.patterns.evaluate import alert_recall
    from pipelines.resolve.evaluate import evaluate as evaluate_resolution

    paths = _paths()
    if not (paths.home / "truth" / "mentions").is_dir():
        raise CliError(f"no ground truth under {paths.home / 'truth'}: evaluate a home made by insight generate")
    if not is_table(paths.table("silver", "mentions")):
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
    if is_table(paths.table("gold", "mentions")):
        for q in evaluate_resolution(paths.home):
            for measure, s in (("pairwise", q.pairwise), ("clusters", q.clusters)):
                resolution.append({"population": q.population, "measure": measure, "items": q.items,
                                   "precision": f"{s.precision:.4f}", "recall": f"{s.recall:.4f}",
                                   "f1": f"{s.f1:.4f}", "tp": s.tp, "fp": s.fp, "fn": s.fn,
                                   "namesakes_merged": q.namesakes_merged, "unmatched": q.unmatched})
    alerts: dict[str, Any] | None = None
    if is_table(paths.table("gold", "alerts")):
        found = alert_recall(paths.home)
        alerts = {"planted": found.planted, "raised": found.raised, "recall": round(found.recall, 4),
                  "not_in_lake": found.not_in_lake, "missed": [list(m) for m in found.missed[:20]]}
    held_out = held_out_rows(paths.model("ner"), args.held_out) if args.held_out else None
    if args.json:
        print(json.dumps({"extraction": rows, "held_out": held_out, "resolution": resolution, "alerts": alerts},
                         indent=2))
        return
    print("extraction")
    _print_table([{k: "n/a" if v is None else v for k, v in row.items()} for row in rows],
                 ["mode", "type", "language", "precision", "recall", "f1", "tp", "fp", "fn"])
    if resolution:
        print("\nperson resolution (namesakes_merged: pairs of planted same-name persons put in one entity)")
        _print_table(resolution, ["population", "measure", "items", "precision", "recall", "f1", "tp", "fp", "fn",
                                  "namesakes_merged", "unmatched"])
    if held_out:
        print(f"\nheld-out texts ({args.held_out}, phrasing family '{HELD_OUT_FAMILY}', seed {HELD_OUT_SEED}: "
              "never trained on), both extractors on the same documents")
        _print_table(held_out, list(held_out[0]))
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
    for line in materialize_all(paths, progress=sys.stdout):
        print(line)
    print(f"materialized in {time.perf_counter() - started:.0f} s")
    query = summary.demo_query
    print(f"\n$ insight search {query!r} --user {args.user}")
    search_args = argparse.Namespace(query=query, user=args.user, limit=10, as_of=None, json=False, engine=None)
    with _session(search_args) as session:
        answer = session.search(query, 10)
    _print_search(answer, None)
    persons = [e["entity_id"] for hit in answer["hits"] for e in hit["entities"] if e["entity_type"] == "person"]
    if persons:  # the person behind the hits, resolved across sources
        person = max(set(persons), key=persons.count)
        print(f"\n$ insight entity {person} --user {args.user}")
        cmd_entity(argparse.Namespace(entity_id=person, user=args.user, json=False, as_of=None, engine=None))
    print(f"\n$ insight alerts --user {args.user} --limit 5")
    cmd_alerts(argparse.Namespace(user=args.user, since=None, limit=5, json=False, engine=None))


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
    _engine_option(parser)
    parser.set_defaults(func=func)
    return parser


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=["embedded", "trino"],
                        help="who runs the SQL: embedded (DuckDB, default) or trino (the server of `insight trino up`, "
                             "or $INSIGHT_TRINO_URL); default $INSIGHT_ENGINE")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="insight", description="Insight: one search over every police source.")
    sub = parser.add_subparsers(dest="command", required=True)

    search_p = sub.add_parser("search", help="one ranked search over every source, as a user sees it")
    search_p.add_argument("query")
    search_p.add_argument("--user", required=True)
    search_p.add_argument("--limit", type=int, default=10)
    search_p.add_argument("--as-of", help=_AS_OF)
    search_p.add_argument("--json", action="store_true")
    _engine_option(search_p)
    search_p.set_defaults(func=cmd_search)

    entity_p = sub.add_parser("entity", help="one entity, every document naming it, its links up to two hops")
    entity_p.add_argument("entity_id")
    entity_p.add_argument("--user", required=True)
    entity_p.add_argument("--as-of", help=_AS_OF)
    entity_p.add_argument("--json", action="store_true")
    _engine_option(entity_p)
    entity_p.set_defaults(func=cmd_entity)

    sql_p = sub.add_parser("sql", help="SQL (Trino dialect) over the curated views, as a user sees them")
    sql_p.add_argument("statement")
    sql_p.add_argument("--user", required=True)
    sql_p.add_argument("--as-of", help=_AS_OF)
    sql_p.add_argument("--json", action="store_true")
    _engine_option(sql_p)
    sql_p.set_defaults(func=cmd_sql)

    export_p = sub.add_parser("export", help="the entity graph a user may see, as FollowTheMoney entities "
                                             "(JSON lines) for Aleph and OpenSanctions tools")
    export_p.add_argument("--user", required=True)
    export_p.add_argument("--out", default="-", help="a file to write, or - for standard output (default)")
    _engine_option(export_p)
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

    up_p = sub.add_parser("trino", help="a local single-node Trino over the lake: up (start it, or bring its "
                          "tables, views and rules up to date), down, status; "
                          "install (fetch it once, as make setup does)")
    up_p.add_argument("action", choices=["up", "down", "status", "install"])
    up_p.add_argument("--port", type=int, help="the port to serve on (default 8080)")
    up_p.set_defaults(func=cmd_trino)

    config_p = sub.add_parser("trino-config", help="the Delta Lake catalog and access-control files of a Trino "
                              "deployment over object storage (what infra/ holds)")
    config_p.add_argument("--lake-uri", required=True, help="the lake as Trino reaches it, e.g. s3://insight/lake")
    config_p.add_argument("--metastore-uri", required=True, help="the file metastore, e.g. s3://insight/metastore")
    config_p.add_argument("--rules-file", default="/etc/trino/rules.json",
                          help="where the server finds rules.json (default /etc/trino/rules.json)")
    config_p.add_argument("--out", required=True, help="the etc/ folder to write into")
    config_p.set_defaults(func=cmd_trino_config)

    gen_p = sub.add_parser("generate", help="write a realistic drop zone of about N records")
    gen_p.add_argument("--size", type=int, default=1000)
    gen_p.add_argument("--seed", type=int, default=7)
    gen_p.add_argument("--dirty-rate", type=float, default=0.01)
    gen_p.add_argument("--quiet", action="store_true")
    gen_p.set_defaults(func=cmd_generate)

    mat_p = sub.add_parser("materialize", help="land what is new in raw/ and bring every table depending on it "
                                               "up to date (only what the new files touch)")
    once_or_watching = mat_p.add_mutually_exclusive_group()
    once_or_watching.add_argument("--full", action="store_true",
                                  help="recompute every table whole (what the nightly schedule runs), not only what "
                                       "changed")
    mat_p.add_argument("--quiet", action="store_true",
                       help="no progress: one line per table written and the checks' verdicts, at the end")
    once_or_watching.add_argument("--watch", action="store_true",
                                  help="keep running: refresh whenever raw/ has new files, in this one warm process "
                                       "(a new file is searchable sooner than by a run of its own); Ctrl-C stops")
    mat_p.add_argument("--every", type=_interval, metavar="SECONDS",
                       help=f"with --watch, how often raw/ is looked at (default {WATCH_EVERY:g})")
    mat_p.set_defaults(func=cmd_materialize)

    eval_p = sub.add_parser("evaluate", help="extraction precision/recall per type and language, and person "
                                             "resolution pairwise/cluster scores, against the generator's truth "
                                             "(a home made by insight generate, materialized)")
    eval_p.add_argument("--json", action="store_true")
    eval_p.add_argument("--held-out", type=int, default=400, metavar="N",
                        help="also score both extractors on N held-out texts (0: skip; starts Spark)")
    eval_p.set_defaults(func=cmd_evaluate)

    demo_p = sub.add_parser("demo", help="generate, materialize and show a search")
    demo_p.add_argument("--size", type=int, default=2000)
    demo_p.add_argument("--seed", type=int, default=7)
    demo_p.add_argument("--user", default="gs_analyst")
    demo_p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from insight.session import one_line

    try:
        args.func(args)
    except InsightError as exc:
        print(f"insight: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("insight: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (head, less) closed the pipe: nothing is left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a broken system: one line, the traceback only on request
        if os.environ.get("INSIGHT_DEBUG"):
            raise
        print(f"insight: failed: {type(exc).__name__}: {one_line(exc)} (INSIGHT_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return EXIT_BROKEN
    return 0


if __name__ == "__main__":
    sys.exit(main())
