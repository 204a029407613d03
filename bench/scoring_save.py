"""Scoring benchmark: how long the Dinkominfo team waits when it saves the
manual scores of one OPD (issue 18, point 6: a save under 300 ms).

Run from the project root::

    .venv/bin/python bench/scoring_save.py [--repeats 30] [--keep DIR]
    .venv/bin/python bench/scoring_save.py --database-url postgres://postgres@127.0.0.1:5432/pb_bench_scoring

It builds the demo (``manage.py migrate`` and ``manage.py seed_demo``: 47
OPDs, six final months and a draft of the current month, then
``collectstatic``) in a throwaway
SQLite database, the embedded default, or in the PostgreSQL database given
(an empty one, or one it seeded before: it writes scores there, so never
point it at data you want to keep). Then,
in this process, through the whole middleware stack (Django's test client,
logged in as the demo's Dinkominfo account, DEBUG off), each the median of
``--repeats`` after two warm-up rounds:

* the floor: ``GET /bench-floor/`` (bench/urls_floor.py), the cheapest
  response that still passes every middleware;
* the save: ``POST`` of an OPD's manual-scores form with every one of its
  manual items changed (percentages with the decimal comma), as the page
  sends it; the OPDs are taken in turn;
* the save as the browser sees it: the POST, then the OPD's page it
  redirects to.

Target: the save's median ≤ 300 ms. Exit status 0 when it holds, 1 when
not, 2 when the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess  # nosec B404 # runs this project's manage.py
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Run as a script, Python puts bench/ first on the path, where a module
# here could shadow one of the project's.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
WARM_UP = 2


def environment(var_dir: Path, database_url: str | None) -> dict[str, str]:
    """The same settings for the seeding commands and the measurement."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        VAR_DIR=str(var_dir),
        SECRET_KEY="bench-only-" + "k" * 64,
        # A fixed, public key: the demo's personal data is made up.
        PERSONAL_DATA_KEYS="YmVuY2gtb25seS1ub3QtYS1zZWNyZXQta2V5LTEyMzQ=",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(var_dir / "static"),
        MEDIA_ROOT=str(var_dir / "media"),
        PYTHONPATH=str(ROOT),
    )
    # Tasks run in-process, as in the embedded default.
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env: dict[str, str], *args: str, debug: bool = False) -> None:
    run_env = {**env, "DEBUG": "True" if debug else "False"}
    subprocess.run(  # nosec B603 # fixed argv: this project's manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=run_env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def seed(env: dict[str, str]) -> None:
    """The demo, unless the database holds it already (``seed_demo`` adds
    only what is missing, and refuses to run with DEBUG off)."""
    manage(env, "migrate", "--noinput", debug=True)
    manage(env, "seed_demo", debug=True)
    # DEBUG off serves static files through the manifest.
    manage(env, "collectstatic", "--noinput")


def timed(action: Callable[[], object], repeats: int) -> list[tuple[float, float]]:
    """Milliseconds of each of ``repeats`` calls after the warm-up, as
    (wall clock, this process's CPU time): on a shared machine the wall
    clock also counts the time spent waiting for a core."""
    for _ in range(WARM_UP):
        action()
    found = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        found.append(
            (
                (time.perf_counter() - wall) * 1000,
                (time.process_time() - cpu) * 1000,
            )
        )
    return found


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(repeats: int) -> dict[str, list[tuple[float, float]]]:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from evaluations import selectors
    from evaluations.forms import ManualScoresForm, percent_text
    from evaluations.models import MonthlyReport
    from opds.models import User

    team = User.objects.filter(role=User.Role.DINKOMINFO, is_active=True).first()
    report = (
        MonthlyReport.objects.filter(status=MonthlyReport.Status.DRAFT)
        .order_by("-month", "-version")
        .first()
    )
    if team is None or report is None:
        raise SystemExit("The demo has no Dinkominfo account or no draft month.")
    scores = list(report.scores.select_related("opd").order_by("opd__name"))
    print(
        "Demo: {} OPDs, {} item scores in the draft of {:%Y-%m}.".format(
            len(scores),
            sum(s.items.count() for s in scores),
            report.month,
        )
    )
    client = Client()
    client.force_login(team)
    floor = reverse("bench-floor")
    turn = {"n": 0}

    def form_data() -> tuple[str, str, dict[str, str]]:
        """The next OPD's form, every manual item changed from the last."""
        opd_score = scores[turn["n"] % len(scores)]
        turn["n"] += 1
        items = selectors.manual_item_scores(opd_score)
        data = {}
        for position, item_score in enumerate(items):
            # 40,5 % to 90,5 %: never what is stored, so every item is written.
            value = 40 + (turn["n"] * 7 + position * 11) % 50
            if percent_text(item_score.ratio) == "{},5".format(value):
                value += 1
            data[ManualScoresForm.percent_name(item_score)] = "{},5".format(value)
            data[ManualScoresForm.comment_name(item_score)] = "Bench {}".format(
                turn["n"]
            )
        kwargs = {"month": report.month, "slug": opd_score.opd.slug}
        page = reverse("evaluations:opd", kwargs=kwargs) + "?versi={}".format(
            report.version
        )
        save = reverse("evaluations:score-opd", kwargs=kwargs) + "?versi={}".format(
            report.version
        )
        return save, page, data

    def expect(response, status: int) -> None:
        # A benchmark that times refusals measures nothing: stop at once.
        if response.status_code != status:
            raise SystemExit("expected {}, got {}".format(status, response.status_code))

    def get_floor() -> None:
        expect(client.get(floor), 200)

    def save() -> None:
        url, _page, data = form_data()
        expect(client.post(url, data), 302)

    def save_and_reload() -> None:
        url, page, data = form_data()
        expect(client.post(url, data), 302)
        expect(client.get(page), 200)

    return {
        "floor": timed(get_floor, repeats),
        "save": timed(save, repeats),
        "save_and_page": timed(save_and_reload, repeats),
    }


def report(results: dict[str, list[tuple[float, float]]]) -> bool:
    rows = [
        ("floor (GET /bench-floor/)", "floor"),
        ("save of one OPD's manual scores (POST)", "save"),
        ("save, then the OPD's page (POST + GET)", "save_and_page"),
    ]
    floor = statistics.median(wall for wall, _cpu in results["floor"])
    print()
    print(
        "{:<42} {:>9} {:>9} {:>9} {:>9} {:>8}".format(
            "", "median", "p95", "max", "CPU med.", "× floor"
        )
    )
    for label, key in rows:
        walls = [wall for wall, _cpu in results[key]]
        cpus = [cpu for _wall, cpu in results[key]]
        median = statistics.median(walls)
        print(
            "{:<42} {:>7.1f}ms {:>7.1f}ms {:>7.1f}ms {:>7.1f}ms {:>8.1f}".format(
                label,
                median,
                percentile(walls, 0.95),
                max(walls),
                statistics.median(cpus),
                median / floor if floor else float("nan"),
            )
        )
    save = statistics.median(wall for wall, _cpu in results["save"])
    passed = save <= TARGET_MS
    print()
    print(
        "Target: the save's median ≤ {:.0f} ms: {:.1f} ms, {}.".format(
            TARGET_MS, save, "PASS" if passed else "FAIL"
        )
    )
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to seed (default: a temporary SQLite file)",
    )
    parser.add_argument(
        "--keep", type=Path, help="keep the SQLite database in this folder"
    )
    args = parser.parse_args(argv)
    var_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-scoring-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(var_dir, args.database_url)
    try:
        print("Seeding the demo in {} …".format(args.database_url or var_dir))
        started = time.perf_counter()
        seed(env)
        print("Seeded in {:.0f} s.".format(time.perf_counter() - started))
        os.environ.update({**env, "DEBUG": "False"})
        passed = report(measure(args.repeats))
    except (subprocess.CalledProcessError, SystemExit) as exc:
        print("The benchmark cannot run: {}".format(exc), file=sys.stderr)
        return 2
    finally:
        if args.keep is None:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
