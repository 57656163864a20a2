"""What the two sign-up rushes share: signup_rush.py (the form) and api_signup_rush.py (the JSON API).

Each serves eventsapp under gunicorn and then, in the same run, with the same gunicorn command, worker
count and client code, its floor: floor_app.py, one INSERT and one COMMIT a request into bench_floor, a
table created for the run and dropped afterwards.

A rush runs in a spawned process (no inherited database connections): `concurrency` client threads share
out the sign-ups; each prepares its own (not timed), then a barrier releases all of them at once and each
posts its sign-ups back to back. Latency is one POST, from sending the request to reading the whole answer
(connection set-up included: sync workers close the connection after each answer). Wall time runs from the
barrier to the last answer. Meanwhile the main process counts the backends waiting on a lock.

A script gives the rush a client: `open_client(port, path, numbers, *extra)`, a module-level function that
prepares one thread's sign-ups and returns (client, items); `client.sign_up(item)` posts one and returns
(status, answer), and `client.opened` counts the connections it opened.
"""
import http.client
import math
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import floor_app  # the table the floor writes to
from serving import FLOOR, HOST, pick_port, start_gunicorn, stop_gunicorn, wait_until_up
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Venue
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus

REQUEST_TIMEOUT = 60  # seconds for one HTTP request
RUSH_TIMEOUT = 600  # seconds for preparation plus rush; later sign-ups are not sent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # of /proc/<pid>/stat's times
LOCK_WAITERS = text("SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'")

OpenClient = Callable[..., tuple]  # (port, path, numbers, *extra) -> (client, items)


def add_rush_options(parser) -> None:
    parser.add_argument("--signups", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=200, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--floor-only", action="store_true", help="run only the floor (no eventsapp, no migration)")


def check_rush_options(parser, args) -> None:
    if min(args.signups, args.seats, args.concurrency, args.workers) < 1:
        parser.error("--signups, --seats, --concurrency and --workers must be at least 1")


def create_event(seats: int, *, slug: str, title_zh: str, title_en: str) -> int:
    """A published event of its own, starting in 7 days, its waiting list on; phone and organization
    required (the defaults)."""
    now = datetime.now(UTC).replace(microsecond=0)
    starts_at = now + timedelta(days=7)
    event = Event(
        campaign=Campaign(slug=f"{slug}-{now:%Y%m%d%H%M%S}-{os.urandom(3).hex()}", year=now.year,
                          name_zh=title_zh, name_en=title_en),
        host=Organization(name_zh="压测主办方", name_en="Rush Host"),
        venue=Venue(name_zh="压测会场", name_en="Rush Hall", timezone="Asia/Shanghai"),
        status=EventStatus.PUBLISHED, capacity=seats, waitlist_enabled=True, starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3), timezone="Asia/Shanghai", title_zh=title_zh, title_en=title_en)
    db.session.add(event)
    db.session.commit()
    return event.id


def client_thread(open_client: OpenClient, port: int, path: str, numbers: range, extra: tuple,
                  barrier: threading.Barrier, deadline: float) -> dict:
    """Prepare this thread's sign-ups, wait for the others, then post them one after another."""
    try:
        client, items = open_client(port, path, numbers, *extra)
        barrier.wait(timeout=max(deadline - time.monotonic(), 0.001))
    except Exception:
        barrier.abort()  # the other threads stop waiting
        raise
    client.opened = 0
    results = []
    for item in items:
        if time.monotonic() > deadline:
            results.append(("not sent: overall timeout", None, None))
            continue
        started = time.perf_counter()
        try:
            status, answer = client.sign_up(item)
        except (OSError, http.client.HTTPException) as error:
            status, answer = type(error).__name__, None
        results.append((status, time.perf_counter() - started, answer))
    return {"results": results, "finished": time.perf_counter(), "opened": client.opened}


def rush(open_client: OpenClient, port: int, path: str, signups: int, concurrency: int, extra: tuple,
         server_pid: int) -> dict:
    """Runs in a separate process: `concurrency` threads share out `signups` sign-ups."""
    threads = min(concurrency, signups)
    released = []
    barrier = threading.Barrier(threads, action=lambda: released.append((time.perf_counter(),
                                                                         rush_cpu_seconds(server_pid))))
    deadline = time.monotonic() + RUSH_TIMEOUT
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(client_thread, open_client, port, path, range(i, signups, threads), extra,
                               barrier, deadline) for i in range(threads)]
        done = [future.result(timeout=RUSH_TIMEOUT + 3 * REQUEST_TIMEOUT) for future in futures]
    busy = rush_cpu_seconds(server_pid) - released[0][1]
    results = [result for session in done for result in session["results"]]
    return {"wall": max(session["finished"] for session in done) - released[0][0], "busy": busy,
            "codes": Counter(str(status) for status, _, _ in results),
            "latencies": sorted(seconds for _, seconds, _ in results if seconds is not None),
            "answers": [answer for _, _, answer in results if answer is not None],
            "connections": sum(session["opened"] for session in done)}


def rush_cpu_seconds(server_pid: int) -> float:
    """The CPU time spent so far by what takes part in a rush, which shares the machine's cores: this client
    process (all its threads), gunicorn (its master and workers) and PostgreSQL (every postgres process)."""
    spent = time.process_time()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
        except OSError:  # the process ended meanwhile
            continue
        command, fields = rest[1:].rsplit(") ", 1)
        fields = fields.split()
        parent = int(fields[1])
        if command == "postgres" or int(pid) == server_pid or parent == server_pid:
            spent += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return spent


def rush_watching_locks(engine: Engine, open_client: OpenClient, port: int, path: str, args, extra: tuple,
                        server_pid: int) -> dict:
    """The rush in a spawned process; meanwhile count backends waiting on a lock (most seen at once)."""
    most_waiting = 0
    context = multiprocessing.get_context("spawn")  # a clean process: no inherited database connections
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool, engine.connect() as connection:
        future = pool.submit(rush, open_client, port, path, args.signups, args.concurrency, extra, server_pid)
        deadline = time.monotonic() + RUSH_TIMEOUT + 4 * REQUEST_TIMEOUT
        while not future.done() and time.monotonic() < deadline:
            most_waiting = max(most_waiting, connection.scalar(LOCK_WAITERS))
            connection.rollback()  # a fresh snapshot of pg_stat_activity each time
            time.sleep(0.1)
        return {**future.result(timeout=max(deadline - time.monotonic(), 1)), "lock_waits": most_waiting}


def serve_and_rush(app_spec: str, path: str, args, engine: Engine, open_client: OpenClient, extra: tuple = (),
                   probe: Callable[[int, str], None] | None = None) -> dict:
    """The app under gunicorn, `probe(port, path)` (e.g. is the route there?), the rush, gunicorn stopped."""
    port = pick_port(args.port)
    server = start_gunicorn(port, args.workers, app_spec, env={"BASE_URL": f"http://{HOST}:{port}", **os.environ})
    try:
        wait_until_up(server, port, path)
        if probe is not None:
            probe(port, path)
        return rush_watching_locks(engine, open_client, port, path, args, extra, server.pid)
    finally:
        stop_gunicorn(server)


def check_outcome(event_id: int, seats: int) -> dict:
    rows = db.session.execute(select(Registration.status, Registration.email)
                              .where(Registration.event_id == event_id).order_by(Registration.id)).all()
    statuses = [status for status, _ in rows]
    confirmed = statuses.count(RegistrationStatus.CONFIRMED)
    waitlisted = statuses.count(RegistrationStatus.WAITLISTED)
    return {"registrations": len(rows), "confirmed": confirmed, "waitlisted": waitlisted,
            "oversold": max(0, confirmed - seats), "duplicates": len(rows) - len({email for _, email in rows}),
            "in_order": statuses == [RegistrationStatus.CONFIRMED] * confirmed
            + [RegistrationStatus.WAITLISTED] * waitlisted}


def outcome_report(outcome: dict, accepted: int, accepted_status: str) -> tuple[list[str], bool]:
    """The database after eventsapp's rush, as report lines, and whether a check failed."""
    lines = [f"eventsapp database  registrations {outcome['registrations']} for {accepted} answers "
             f"{accepted_status}  confirmed {outcome['confirmed']}  waitlisted {outcome['waitlisted']}",
             f"eventsapp checks    oversold {outcome['oversold']}  duplicate e-mails {outcome['duplicates']}  "
             f"waiting list in id order: {'yes' if outcome['in_order'] else 'NO'}"]
    failed = (outcome["oversold"] or outcome["duplicates"] or not outcome["in_order"]
              or outcome["registrations"] != accepted)
    return lines, bool(failed)


def run_floor(args, engine: Engine, path: str, open_client: OpenClient, extra: tuple,
              accepted_status: str) -> tuple[dict, list[str], bool]:
    """The floor's table for the length of the run, the same rush, then one row per accepted answer."""
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {floor_app.TABLE}"))  # left by an interrupted run
        connection.execute(text(floor_app.TABLE_DDL))
    try:
        measured = serve_and_rush(FLOOR, path, args, engine, open_client, extra)
        with engine.connect() as connection:
            rows, emails = connection.execute(
                text(f"SELECT count(*), count(DISTINCT email) FROM {floor_app.TABLE}")).one()
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TABLE IF EXISTS {floor_app.TABLE}"))
    accepted = measured["codes"][accepted_status]
    lines = [f"floor checks        rows {rows} for {accepted} answers {accepted_status}  "
             f"duplicate e-mails {rows - emails}"]
    return measured, lines, rows != accepted or rows != emails


def percentile_ms(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not ordered:
        return float("nan")
    return 1000 * ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)]


def print_runs(args, runs: dict) -> None:
    print(f"sign-ups {args.signups}  seats {args.seats}  concurrency {args.concurrency}  "
          f"gunicorn workers {args.workers} (sync)  RATELIMIT_ENABLED=0")
    print(f"{'run':<10}{'sign-ups/s':>11}{'wall s':>8}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}"
          f"{'CPU ms':>8}{'cores busy':>12}{'connections':>13}{'lock waits':>12}  status codes")
    for name, measured in runs.items():
        latencies = measured["latencies"]
        codes = "  ".join(f"{code}: {n}" for code, n in sorted(measured["codes"].items()))
        print(f"{name:<10}{args.signups / measured['wall']:>11.1f}{measured['wall']:>8.2f}"
              + "".join(f"{percentile_ms(latencies, p):>8.0f}" for p in (50, 90, 99, 100))
              + f"{1000 * measured['busy'] / args.signups:>8.2f}{measured['busy'] / measured['wall']:>12.2f}"
              + f"{measured['connections']:>13}{measured['lock_waits']:>12}  {codes}")
    if len(runs) == 2:
        app, floor = runs["eventsapp"], runs["floor"]
        print(f"eventsapp/floor     throughput ratio {floor['wall'] / app['wall']:.3g}, p99 ratio "
              f"{percentile_ms(app['latencies'], 99) / percentile_ms(floor['latencies'], 99):.3g}")
    print("(CPU ms: the CPU time per sign-up during the rush of the client, gunicorn and PostgreSQL together; "
          f"cores busy: that time over the wall time, out of {len(os.sched_getaffinity(0))}; connections: opened "
          "during the rush, one per request when the server closes each after its answer; lock waits: most backends "
          "seen waiting on a lock at once, sampled every 0.1 s)")


def errors(runs: dict, accepted_status: str) -> int:
    """Answers other than `accepted_status`, failed requests and sign-ups not sent, over all runs."""
    return sum(n for measured in runs.values() for code, n in measured["codes"].items() if code != accepted_status)
