"""Search: the stemmers compared on both databases (issue 18, defect 10).

Runs the fifty queries of bench/search_queries.txt against the demo
catalogue (``opds.demo`` + ``ppid.catalogue.demo``) on SQLite and on
PostgreSQL, with each stemmer of ``ppid.catalogue.analysis`` and with the
search as it was before (SQLite: every word as a substring of the title,
summary or files; PostgreSQL: the ``indonesian`` snowball configuration,
every word), and prints one markdown table: bench/README.md, "Search:
stemmers compared", is its output.

    .venv/bin/python bench/search_compare.py
    .venv/bin/python bench/search_compare.py --pg postgres://postgres@127.0.0.1:5432/pb_search

A cell is the number of items found with every word; ``~n`` when no item
has every word and the any-word fallback found n; ``0`` a miss; ``→ word``
the "Maksud Anda" suggestion shown. Items are compared across databases by
(OPD, title), since the ids differ. SQLite uses a throwaway file under var/;
PostgreSQL the database given, migrated and seeded if empty, and left
indexed with the default stemmer. Each database runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess  # nosec B404 # runs this same script as a worker
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "search_queries.txt"
PAIRS = Path(__file__).resolve().parent / "search_stem_pairs.txt"
SQLITE_FILE = ROOT / "var" / "bench-search.sqlite3"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/pb_search"


def read_queries() -> list[str]:
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# --- Worker: one database -----------------------------------------------------


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _seed() -> None:
    from django.core.management import call_command

    from opds.demo import seed_demo
    from ppid.catalogue.demo import seed_demo as seed_catalogue
    from ppid.catalogue.models import InformationItem

    call_command("migrate", verbosity=0)
    if not InformationItem.objects.exists():
        seed_demo()
        seed_catalogue()


def _key(item_rows) -> list[str]:
    return sorted("{}|{}".format(slug, title) for slug, title in item_rows)


def _before(queries: list[str]) -> dict[str, dict]:
    """The search as it was before this comparison's change."""
    from django.contrib.postgres.search import SearchQuery, SearchVector
    from django.db import connection
    from django.db.models import Q

    from ppid.catalogue.models import InformationItem
    from ppid.catalogue.search import search_terms

    public = InformationItem.objects.public().order_by()
    results = {}
    for q in queries:
        terms = search_terms(q)
        if connection.vendor == "postgresql":
            vector = (
                SearchVector("title", config="indonesian")
                + SearchVector("summary", config="indonesian")
                + SearchVector("extracted_text", config="indonesian")
            )
            query = SearchQuery(" ".join(terms), config="indonesian")
            found = public.annotate(v=vector).filter(v=query)
        else:
            found = public
            for term in terms:
                found = found.filter(
                    Q(title__icontains=term)
                    | Q(summary__icontains=term)
                    | Q(extracted_text__icontains=term)
                )
        rows = _key(found.values_list("opd__slug", "title"))
        results[q] = {
            "n": len(rows),
            "fallback": False,
            "suggestion": None,
            "items": rows,
        }
    return results


def _with_stemmer(name: str, queries: list[str]) -> tuple[dict[str, dict], float]:
    from ppid.catalogue import analysis
    from ppid.catalogue.models import InformationItem
    from ppid.catalogue.search import (
        SearchResults,
        rebuild_vocabulary,
        refresh_search_vectors,
        suggest_query,
    )

    analysis.use_stemmer(name)
    refresh_search_vectors(InformationItem.objects.all())
    rebuild_vocabulary()
    public = InformationItem.objects.public()
    results, timings = {}, []
    for q in queries:
        started = time.perf_counter()
        found = SearchResults(public, q)
        ids = found.ids
        suggestion = suggest_query(public, q) if not ids or found.fallback else None
        timings.append((time.perf_counter() - started) * 1000)
        rows = _key(
            InformationItem.objects.filter(pk__in=ids).values_list("opd__slug", "title")
        )
        results[q] = {
            "n": len(rows),
            "fallback": found.fallback,
            "suggestion": suggestion,
            "items": rows,
        }
    return results, statistics.median(timings)


def worker() -> None:
    _setup()
    from django.db import connection

    from ppid.catalogue import analysis
    from ppid.catalogue.models import InformationItem
    from ppid.catalogue.search import rebuild_vocabulary, refresh_search_vectors

    _seed()
    queries = read_queries()
    out = {
        "vendor": connection.vendor,
        "public": InformationItem.objects.public().count(),
        "runs": {"before": _before(queries)},
        "median_ms": {},
    }
    for name in analysis.STEMMERS:
        out["runs"][name], out["median_ms"][name] = _with_stemmer(name, queries)
    # Leave the database as the portal indexes it.
    analysis.use_stemmer(analysis.DEFAULT_STEMMER)
    refresh_search_vectors(InformationItem.objects.all())
    rebuild_vocabulary()
    json.dump(out, sys.stdout)


# --- Parent: both databases, one table ------------------------------------------


def _run(database_url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="True")
    env.pop("REQUIRE_SERVICES", None)
    done = subprocess.run(  # nosec B603 # this script, this interpreter
        [sys.executable, __file__, "--worker"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit("the worker for {} failed".format(database_url))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(result: dict) -> str:
    if result["n"] == 0:
        text = "0"
    elif result["fallback"]:
        text = "~{}".format(result["n"])
    else:
        text = str(result["n"])
    if result["suggestion"]:
        text += " → {}".format(result["suggestion"])
    return text


def table(sqlite: dict, pg: dict, queries: list[str]) -> str:
    runs = ["before", *[name for name in sqlite["runs"] if name != "before"]]
    columns = [(run, db) for run in runs for db in (sqlite, pg)]
    label = {"sqlite": "SQLite", "postgresql": "PG"}
    lines = [
        "| # | query | "
        + " | ".join("{} {}".format(run, label[db["vendor"]]) for run, db in columns)
        + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for n, q in enumerate(queries, 1):
        cells = [_cell(db["runs"][run][q]) for run, db in columns]
        lines.append("| {} | {} | {} |".format(n, q, " | ".join(cells)))
    lines.append("")
    lines.append(
        "| | "
        + " | ".join("{} {}".format(run, label[db["vendor"]]) for run, db in columns)
        + " |"
    )
    lines.append("|---|" + "---|" * len(columns))

    def count(run: str, db: dict, test) -> int:
        return sum(1 for q in queries if test(db["runs"][run][q]))

    rows = [
        ("found with every word", lambda r: r["n"] and not r["fallback"]),
        ("found only by the any-word fallback", lambda r: r["n"] and r["fallback"]),
        ("found nothing (miss)", lambda r: not r["n"]),
        ("offered a spelling", lambda r: bool(r["suggestion"])),
    ]
    for name, test in rows:
        lines.append(
            "| {} | ".format(name)
            + " | ".join(str(count(run, db, test)) for run, db in columns)
            + " |"
        )
    same = []
    for run in runs:
        equal = sum(
            1
            for q in queries
            if sqlite["runs"][run][q]["items"] == pg["runs"][run][q]["items"]
        )
        same.append("{}: {}/{}".format(run, equal, len(queries)))
    lines.append("")
    lines.append(
        "Same items on both databases (by OPD and title): " + "; ".join(same) + "."
    )
    lines.append(
        "Public demo items: SQLite {}, PostgreSQL {}. Median time of a query "
        "with its suggestion, in process: {}.".format(
            sqlite["public"],
            pg["public"],
            "; ".join(
                "{} SQLite {:.1f} ms, PG {:.1f} ms".format(
                    name, sqlite["median_ms"][name], pg["median_ms"][name]
                )
                for name in sqlite["median_ms"]
            ),
        )
    )
    return "\n".join(lines)


def pairs_table() -> str:
    """Which stemmer puts each pair together (the same stem) or apart."""
    # Text analysis needs no database, nor Django.
    sys.path.insert(0, str(ROOT))
    from ppid.catalogue import analysis

    rows = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.strip().split(","))
    lines = [
        "| pair | wanted | " + " | ".join(analysis.STEMMERS) + " |",
        "|---|---|" + "---|" * len(analysis.STEMMERS),
    ]
    right = dict.fromkeys(analysis.STEMMERS, 0)
    cells: dict[str, list[str]] = {name: [] for name in analysis.STEMMERS}
    for name in analysis.STEMMERS:
        analysis.use_stemmer(name)
        for a, b, wanted in rows:
            sa, sb = analysis.stem(a), analysis.stem(b)
            ok = (sa == sb) == (wanted == "same")
            right[name] += ok
            cells[name].append("{} {} / {}".format("✓" if ok else "✗", sa, sb))
    analysis.use_stemmer(analysis.DEFAULT_STEMMER)
    for n, (a, b, wanted) in enumerate(rows):
        lines.append(
            "| {} – {} | {} | {} |".format(
                a, b, wanted, " | ".join(cells[name][n] for name in analysis.STEMMERS)
            )
        )
    lines.append(
        "| right | | "
        + " | ".join(
            "{}/{}".format(right[name], len(rows)) for name in analysis.STEMMERS
        )
        + " |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL DATABASE_URL")
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    SQLITE_FILE.unlink(missing_ok=True)
    sqlite = _run("sqlite:///{}".format(SQLITE_FILE))
    pg = _run(args.pg)
    print(table(sqlite, pg, read_queries()))
    print()
    print(pairs_table())


if __name__ == "__main__":
    main()
