"""Webhook benchmark (issue 19, "Performance and reliability").

Run from the project root::

    .venv/bin/python bench/webhooks.py                         # 10,000 messages
    .venv/bin/python bench/webhooks.py --messages 1000 --duration 3   # quick
    make bench-webhooks BENCH_ARGS="--messages 1000 --duration 3"

Two parts, through gunicorn (``-w 4``) with a production-like environment
(DEBUG off, persistent connections), as bench/catalogue.py runs it:

1. **Intake latency.** wrk ``-t2 -c8`` against the trivial view
   (``/bench-floor/``) and against ``POST /webhooks/whatsapp/`` with a
   signed WhatsApp payload, each after a 3 s warm-up, the median of three
   runs. Targets: the webhook's p95 ≤ 20 ms and its throughput ≥ 0.3 × the
   floor's in the same run. The webhook only stores the body and publishes
   the task (no worker runs in this part; the queue is emptied after).
2. **Burst.** ``--messages`` distinct signed WhatsApp messages (one a
   POST, from ``--messages``/20 citizens) sent by 8 client threads, 5 % of
   them sent a second time at the end (Meta's redeliveries, out of
   order); then a real Celery worker (prefork, ``-c 2``) drains the queue.
   Targets: every POST answered 200, every message stored exactly once
   (count = ``--messages``, no duplicate), every delivery processed.

It uses its own PostgreSQL database (``pb_hooks_bench`` on 127.0.0.1:5432,
user postgres; ``--database-url`` for another) and a private redis-server
on a free port that keeps nothing on disk (``--redis-url`` to use another;
it is flushed). wrk is installed with apt-get when missing. Figures are
printed and written to ``bench/results/webhooks-<timestamp>.json``. Exit
status 0 when every target passes, 1 when one fails, 2 when it cannot run.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import shutil
import statistics
import subprocess  # nosec B404 # the benchmark drives its own server and tools
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalogue import (  # noqa: E402
    PYTHON,
    RESULTS_DIR,
    ROOT,
    BenchError,
    bench_env,
    free_port,
    gunicorn,
    harness,
    log,
    manage,
    port_open,
)

DB_NAME = "pb_hooks_bench"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/{}".format(DB_NAME)
APP_SECRET = "bench-webhook-secret"  # nosec B105 # a benchmark's own signing key
PHONE_NUMBER_ID = "900000000000001"
LUA = ROOT / "bench" / "wrk_post.lua"
CONNECTIONS = 8
THREADS = 2
WARMUP_S = 3
REPETITIONS = 3
MESSAGES_PER_CITIZEN = 20
DUPLICATE_EVERY = 20  # 5 %

# Targets (issue 19, "Performance and reliability").
P95_MAX_MS = 20.0
MIN_RATIO = 0.3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument(
        "--redis-url", default="", help="Default: a private redis-server."
    )
    parser.add_argument(
        "--drain-timeout", type=int, default=1800, help="Seconds the worker may take."
    )
    return parser.parse_args(argv)


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_body(wamid: str, citizen: str, at: int, text: str) -> bytes:
    """One message as the Cloud API sends it (developers.facebook.com/
    documentation/business-messaging/whatsapp/webhooks/reference/messages)."""
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281100000000",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [
                                {"profile": {"name": "Warga"}, "wa_id": citizen}
                            ],
                            "messages": [
                                {
                                    "from": citizen,
                                    "id": wamid,
                                    "timestamp": str(at),
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


# --- Services ---------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    try:
        conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    except psycopg2.Error as exc:
        raise BenchError("cannot reach PostgreSQL: {}".format(exc)) from None
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log("Creating database {}.".format(name))
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
    finally:
        conn.close()


class Redis:
    """A private redis-server without persistence, or the one given."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.process: subprocess.Popen | None = None
        if url:
            self.url = url
        else:
            if not shutil.which("redis-server"):
                raise BenchError("redis-server is not installed; give --redis-url")
            port = free_port()
            self.process = subprocess.Popen(  # nosec B603 # fixed argv; the tool from PATH
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no", "--dir", str(workdir)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while not port_open("127.0.0.1", port):
                if time.monotonic() > deadline:
                    raise BenchError("redis-server did not start")
                time.sleep(0.1)
            self.url = "redis://127.0.0.1:{}/0".format(port)
        self.flush()

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushdb()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()


def environment(
    args: argparse.Namespace, workdir: Path, redis_url: str
) -> dict[str, str]:
    env = bench_env(workdir / "static")
    (workdir / "static").mkdir(exist_ok=True)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=redis_url,
        META_APP_SECRET=APP_SECRET,
        META_INSTAGRAM_APP_SECRET=APP_SECRET,
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def start_worker(env: dict[str, str], workdir: Path) -> subprocess.Popen:
    log_file = open(workdir / "worker.log", "wb")  # noqa: SIM115 # closed with the process
    return subprocess.Popen(  # nosec B603 # fixed argv built by the harness
        [str(PYTHON), "-m", "celery", "-A", "config", "worker", "-P", "prefork"]
        + ["-c", "2", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Data ---------------------------------------------------------------------------------


def reset_data() -> Any:
    """The bench's WhatsApp line, with no cases or deliveries left."""
    from aspirations.inbox.models import Case, Contact, Delivery, WhatsAppLine

    line, _ = WhatsAppLine.objects.get_or_create(
        phone_number_id=PHONE_NUMBER_ID,
        defaults={"name": "Bench line", "display_number": "6281100000000"},
    )
    Case.objects.filter(whatsapp_line=line).delete()
    Contact.objects.filter(platform="whatsapp", cases=None).delete()
    Delivery.objects.all().delete()
    return line


def figures(line: Any) -> dict[str, int]:
    from django.db.models import Count, Sum

    from aspirations.inbox.models import Delivery, Message

    messages = Message.objects.filter(case__whatsapp_line=line)
    repeated = (
        messages.values("platform", "external_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    by_status = dict(
        Delivery.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "messages": messages.count(),
        "duplicated": repeated.count(),
        "cases": line.cases.count(),
        "deliveries": sum(by_status.values()),
        "processed": by_status.get("processed", 0),
        "pending": by_status.get("pending", 0),
        "other": sum(
            v for k, v in by_status.items() if k not in ("processed", "pending")
        ),
        "messages_stored": Delivery.objects.aggregate(n=Sum("messages_stored"))["n"]
        or 0,
    }


# --- Part 1: latency ----------------------------------------------------------------------


def floor_target(base: str, workdir: Path) -> list[str]:
    """wrk's arguments for the trivial view (bench/wrk_paths.lua)."""
    paths = workdir / "floor.txt"
    paths.write_text("/bench-floor/\n")
    return [str(ROOT / "bench" / "wrk_paths.lua"), base, "--", str(paths)]


def webhook_target(base: str, body: Path) -> list[str]:
    """wrk's arguments for the signed POST (bench/wrk_post.lua)."""
    return [
        str(LUA),
        base,
        "--",
        "/webhooks/whatsapp/",
        str(body),
        "Content-Type: application/json",
        "X-Hub-Signature-256: " + sign(body.read_bytes()),
    ]


def run_wrk(wrk: str, seconds: int, target: list[str]) -> dict[str, Any]:
    command = [
        wrk,
        "-t{}".format(THREADS),
        "-c{}".format(CONNECTIONS),
        "-d{}s".format(seconds),
        "--timeout",
        "10s",
        "-s",
        *target,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True)  # nosec B603 # fixed argv built by the harness
    for line in output.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line.removeprefix("BENCH_JSON "))
            result["errors"] = sum(
                result[k]
                for k in (
                    "connect_errors",
                    "read_errors",
                    "write_errors",
                    "status_errors",
                    "timeouts",
                )
            )
            return result
    raise BenchError("wrk printed no summary:\n" + output.stdout + output.stderr)


def measure(wrk: str, seconds: int, target: list[str]) -> dict[str, Any]:
    """A warm-up, then the run of median throughput of three (its p95 the
    median of the three p95s)."""
    run_wrk(wrk, WARMUP_S, target)
    runs = [run_wrk(wrk, seconds, target) for _ in range(REPETITIONS)]
    middle = dict(sorted(runs, key=lambda r: r["rps"])[len(runs) // 2])
    middle["p95_median_us"] = statistics.median(r["p95_us"] for r in runs)
    middle["runs"] = runs
    return middle


# --- Part 2: the burst ---------------------------------------------------------------


def send_burst(base: str, bodies: list[bytes], threads: int = CONNECTIONS) -> dict:
    """POST every body once, from ``threads`` keep-alive connections."""
    host, port = base.removeprefix("http://").split(":")
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    position = iter(range(len(bodies)))

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        seen: dict[int, int] = {}
        while True:
            with lock:
                n = next(position, None)
            if n is None:
                break
            body = bodies[n]
            conn.request(
                "POST",
                "/webhooks/whatsapp/",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": sign(body),
                },
            )
            response = conn.getresponse()
            response.read()
            seen[response.status] = seen.get(response.status, 0) + 1
        conn.close()
        with lock:
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    began = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"seconds": time.monotonic() - began, "statuses": statuses}


def burst_bodies(n: int) -> tuple[list[bytes], int]:
    citizens = max(n // MESSAGES_PER_CITIZEN, 1)
    now = int(time.time()) - 3600
    bodies = [
        whatsapp_body(
            "wamid.bench.{:06d}".format(i),
            "62813{:08d}".format(i % citizens),
            now + i,
            "Aduan nomor {} tentang jalan rusak".format(i),
        )
        for i in range(n)
    ]
    # Meta's redeliveries, late and out of order.
    again = bodies[::DUPLICATE_EVERY][::-1]
    return bodies + again, len(again)


# --- The run ----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run(
    args: argparse.Namespace, wrk: str, workdir: Path, started: datetime.datetime
) -> int:
    ensure_database(args.database_url)
    redis = Redis(args.redis_url, workdir)
    worker = None
    try:
        env = environment(args, workdir, redis.url)
        log("Migrating {} ...".format(args.database_url.rsplit("/", 1)[1]))
        manage(env, "migrate", "--noinput", "-v0")
        setup_django(env)
        line = reset_data()
        sample = workdir / "webhook.json"
        sample.write_bytes(
            whatsapp_body("wamid.latency", "6281399999999", int(time.time()), "Uji")
        )
        load_before = os.getloadavg()
        with gunicorn(env, workdir) as base:
            log("Part 1: latency at c={} ...".format(CONNECTIONS))
            floor = measure(wrk, args.duration, floor_target(base, workdir))
            webhook = measure(wrk, args.duration, webhook_target(base, sample))
            # The latency part's deliveries are not part of the burst.
            latency_deliveries = figures(line)["deliveries"]
            reset_data()
            redis.flush()
            log("Part 2: a burst of {} messages ...".format(args.messages))
            bodies, duplicates = burst_bodies(args.messages)
            burst = send_burst(base, bodies)
        log(
            "Burst sent in {:.1f} s; starting a Celery worker (-c 2) to drain it ...".format(
                burst["seconds"]
            )
        )
        began = time.monotonic()
        worker = start_worker(env, workdir)
        state = figures(line)
        while state["pending"] and time.monotonic() - began < args.drain_timeout:
            if worker.poll() is not None:
                raise BenchError(
                    "the worker exited:\n"
                    + (workdir / "worker.log").read_text(errors="replace")[-3000:]
                )
            time.sleep(2)
            state = figures(line)
        drained = time.monotonic() - began
        stop(worker)
        worker = None
        load_after = os.getloadavg()
    finally:
        if worker is not None:
            stop(worker)
        redis.stop()

    ratio = webhook["rps"] / floor["rps"] if floor["rps"] else 0.0
    p95_ms = webhook["p95_median_us"] / 1000
    checks = [
        (
            "webhook p95 ≤ {:.0f} ms".format(P95_MAX_MS),
            p95_ms <= P95_MAX_MS,
            "{:.1f} ms".format(p95_ms),
        ),
        (
            "webhook ≥ {:.1f} × the floor".format(MIN_RATIO),
            ratio >= MIN_RATIO,
            "{:.3f} ×".format(ratio),
        ),
        (
            "no wrk errors",
            webhook["errors"] == 0 and floor["errors"] == 0,
            str(webhook["errors"]),
        ),
        (
            "every burst POST answered 200",
            burst["statuses"] == {200: len(bodies)},
            json.dumps(burst["statuses"]),
        ),
        (
            "messages stored = {}".format(args.messages),
            state["messages"] == args.messages,
            str(state["messages"]),
        ),
        ("no message duplicated", state["duplicated"] == 0, str(state["duplicated"])),
        (
            "every delivery processed",
            state["processed"] == len(bodies) and not state["pending"],
            "{} of {}".format(state["processed"], len(bodies)),
        ),
    ]
    log("")
    log(
        "Load average before {:.2f}, after {:.2f}.".format(
            load_before[0], load_after[0]
        )
    )
    log("| | req/s | p50 ms | p95 ms | × floor |")
    log("|---|---|---|---|---|")
    for name, result in (
        ("floor GET /bench-floor/", floor),
        ("POST /webhooks/whatsapp/", webhook),
    ):
        log(
            "| {} | {:.1f} | {:.1f} | {:.1f} | {:.3f} |".format(
                name,
                result["rps"],
                result["p50_us"] / 1000,
                result["p95_median_us"] / 1000,
                result["rps"] / floor["rps"] if floor["rps"] else 0,
            )
        )
    log(
        "Burst: {} POSTs ({} messages + {} redelivered) in {:.1f} s ({:.0f}/s); "
        "drained by one worker (-c 2) in {:.1f} s ({:.0f} deliveries/s); "
        "{} cases, {} messages stored by the deliveries.".format(
            len(bodies),
            args.messages,
            duplicates,
            burst["seconds"],
            len(bodies) / burst["seconds"],
            drained,
            len(bodies) / drained if drained else 0,
            state["cases"],
            state["messages_stored"],
        )
    )
    log("")
    for name, ok, value in checks:
        log("{:<40} {:<12} {}".format(name, value, verdict(ok)))
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / "webhooks-{:%Y%m%dT%H%M%SZ}.json".format(started)
    out.write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "args": vars(args),
                "floor": floor,
                "webhook": webhook,
                "latency_deliveries": latency_deliveries,
                "burst": burst
                | {"drain_seconds": drained, "duplicates_sent": duplicates},
                "state": state,
                "checks": [{"name": n, "ok": ok, "value": v} for n, ok, v in checks],
                "load": [load_before, load_after],
            },
            indent=2,
            default=str,
        )
    )
    log("Results: {}".format(out))
    return 0 if all(ok for _, ok, _ in checks) else 1


def main(argv: list[str] | None = None) -> int:
    return harness(parse_args(argv), run, "webhooks")


if __name__ == "__main__":
    sys.exit(main())
