"""API sign-up rush: partners' systems post many JSON sign-ups for one event at the same moment, beside a floor.

Serves the real app under gunicorn (sync workers, RATELIMIT_ENABLED=0, REDIS_URL by default Redis db 13) on
127.0.0.1 against PostgreSQL and measures `POST /api/v1/events/<id>/registrations` (SPEC 5) for one event
with --seats seats and its waiting list on. Then, with the same gunicorn command, workers and client code,
the floor: benchmarks/floor_app.py, which parses the same body and does one INSERT and one COMMIT per request
into a table of its own (bench_floor, created for the run and dropped afterwards).

* Preparation (not timed): each client thread builds the JSON bodies of its sign-ups (e-mail addresses new
  to this run) and posts one invalid body, `{}`, so every worker has loaded its app. A thread keeps its
  http.client connection while the server keeps it alive; sync workers close it after each answer, so
  every request then opens a new one, as in signup_rush.py.
* The rush (timed): all threads start together (a barrier) and post back to back, each request with
  Content-Type: application/json and a fresh Idempotency-Key. Latency is one POST, from sending the request
  to reading the whole answer (connection set-up included). Wall time runs from the barrier to the last
  answer. 201 means accepted; any other answer, or a failed request, is an error.

Afterwards, eventsapp: no seat oversold, no duplicate e-mail, the waiting list in arrival (id) order, one
registration per 201, and every 201's waitlist_position consistent: null when confirmed; when waitlisted
1..N, each once, equal to the registration's place in id order (answers found by their token). The floor:
one row per 201. Exits 1 when a check fails or any sign-up was not answered 201, 2 when the API route is
missing (404: not merged yet; --floor-only still runs the floor).

    createdb -h 127.0.0.1 -U postgres eventsapp_apibench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_apibench .venv/bin/python benchmarks/api_signup_rush.py
"""
import argparse
import http.client
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import floor_app  # the table it writes to
from signup_rush import (  # before eventsapp: puts it on sys.path
    BIN,
    HOST,
    LOCK_WAITERS,
    REQUEST_TIMEOUT,
    ROOT,
    RUSH_TIMEOUT,
    check_outcome,
    migrate,
    percentile_ms,
    pick_port,
    stop_gunicorn,
)
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ProgrammingError

from eventsapp import create_app
from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Venue
from eventsapp.config import normalize_database_url
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
EVENTSAPP, FLOOR = "wsgi:app", "benchmarks.floor_app:app"
MISSING = "missing"  # an answer without waitlist_position (null is None)
RETRIED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class RouteMissing(Exception):
    """The first POST answered 404 (or 405): the route is not there."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signups", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=200, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--floor-only", action="store_true", help="run only the floor (no eventsapp, no migration)")
    args = parser.parse_args()
    if min(args.signups, args.seats, args.concurrency, args.workers) < 1:
        parser.error("--signups, --seats, --concurrency and --workers must be at least 1")
    return args


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        sys.exit("api_signup_rush: set DATABASE_URL to a PostgreSQL database, e.g. "
                 "postgresql://postgres@127.0.0.1:5432/eventsapp_apibench (the rush measures row locks).")
    return url


def describe_setting(engine: Engine) -> list[str]:
    """When, where, on what: the machine's cores are shared by clients, gunicorn, PostgreSQL and Redis."""
    with engine.connect() as connection:
        version = connection.scalar(text("SHOW server_version"))
        name = connection.scalar(text("SELECT current_database()"))
    redis_url = os.environ["REDIS_URL"]
    try:
        import redis
        redis_state = "answers" if redis.Redis.from_url(redis_url, socket_timeout=0.5).ping() else "no PONG"
    except Exception as error:  # the app falls back to its own memory; the rush uses no rate limit
        redis_state = f"does not answer: {type(error).__name__}"
    return [f"api_signup_rush {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}): "
            f"nproc {len(os.sched_getaffinity(0))}, Python {platform.python_version()}",
            f"database PostgreSQL {version}, {name} at {engine.url.host}:{engine.url.port or 5432}; "
            f"Redis {redis_url} ({redis_state})"]


def create_event(seats: int) -> int:
    """A published event of its own, starting in 7 days, open for sign-up, its waiting list on."""
    now = datetime.now(UTC).replace(microsecond=0)
    starts_at = now + timedelta(days=7)
    event = Event(
        campaign=Campaign(slug=f"api-signup-rush-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}", year=now.year,
                          name_zh="接口报名压力测试", name_en="API sign-up rush"),
        host=Organization(name_zh="压测主办方", name_en="Rush Host"),
        venue=Venue(name_zh="压测会场", name_en="Rush Hall", timezone="Asia/Shanghai"),
        status=EventStatus.PUBLISHED, capacity=seats, waitlist_enabled=True, starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3), timezone="Asia/Shanghai",
        title_zh="接口报名压力测试", title_en="API sign-up rush")
    db.session.add(event)
    db.session.commit()
    return event.id


def start_gunicorn(port: int, workers: int, app_spec: str) -> subprocess.Popen:
    """The same command for eventsapp and the floor: only the application differs."""
    env = {"BASE_URL": f"http://{HOST}:{port}", **os.environ, "RATELIMIT_ENABLED": "0"}
    command = [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(workers),
               "--log-level", "warning", app_spec]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_answering(server: subprocess.Popen, port: int, path: str, timeout: float = 60) -> None:
    """Any HTTP answer to a GET will do (the POST-only routes answer 405)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"api_signup_rush: gunicorn exited with status {server.returncode}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    sys.exit(f"api_signup_rush: gunicorn did not answer {path} within {timeout:.0f} s")


class JsonClient:
    """One partner's client: one connection, kept while the server keeps it alive, else opened per request."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.opened = 0

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        reused = self.connection.sock is not None
        try:
            return self.send(path, body, headers)
        except RETRIED:
            if not reused:
                raise
            # The server closed a kept-alive connection while it was idle: once more on a new one, with
            # the same Idempotency-Key, as HTTP client libraries do.
            return self.send(path, body, headers)

    def send(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        if self.connection.sock is None:
            self.opened += 1
        try:
            self.connection.request("POST", path, body=body, headers=headers)
            response = self.connection.getresponse()  # closes the connection when the answer says so
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise


def sign_up_body(number: int, run_tag: str) -> bytes:
    """The SPEC 5 body; each run its own addresses (the app limits sign-up mails per address and hour)."""
    return json.dumps({"name": f"API Rusher {number}", "email": f"api-rusher{number}.{run_tag}@example.com",
                       "phone": "13800138000", "organization": "Rush Ltd", "job_title": "Quality engineer",
                       "consent": True, "shares_with_host": False}).encode()


def read_answer(payload: bytes) -> tuple:
    """(status, token, waitlist_position) of a 201's JSON body."""
    try:
        body = json.loads(payload)
    except ValueError:
        return "not JSON", None, MISSING
    if not isinstance(body, dict):
        return "not a JSON object", None, MISSING
    return body.get("status"), body.get("token"), body.get("waitlist_position", MISSING)


def client_session(port: int, path: str, numbers: range, run_tag: str, barrier: threading.Barrier,
                   deadline: float) -> dict:
    """Prepare this thread's bodies and warm up, wait for the others, then post them one after another."""
    client = JsonClient(port)
    try:
        bodies = [sign_up_body(number, run_tag) for number in numbers]
        client.post(path, b"{}")  # invalid on purpose: nothing written
        barrier.wait(timeout=max(deadline - time.monotonic(), 0.001))
    except Exception:
        barrier.abort()  # the other threads stop waiting
        raise
    client.opened = 0
    results = []
    for body in bodies:
        if time.monotonic() > deadline:
            results.append(("not sent: overall timeout", None, None))
            continue
        started = time.perf_counter()
        try:
            status, payload = client.post(path, body)
        except (OSError, http.client.HTTPException) as error:
            status, payload = type(error).__name__, b""
        results.append((status, time.perf_counter() - started, read_answer(payload) if status == 201 else None))
    return {"results": results, "finished": time.perf_counter(), "opened": client.opened}


def rush(port: int, path: str, signups: int, concurrency: int, run_tag: str) -> dict:
    """Runs in a separate process: `concurrency` threads share out `signups` sign-ups."""
    threads = min(concurrency, signups)
    released = []
    barrier = threading.Barrier(threads, action=lambda: released.append(time.perf_counter()))
    deadline = time.monotonic() + RUSH_TIMEOUT
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(client_session, port, path, range(i, signups, threads), run_tag, barrier, deadline)
                   for i in range(threads)]
        done = [future.result(timeout=RUSH_TIMEOUT + 3 * REQUEST_TIMEOUT) for future in futures]
    results = [result for session in done for result in session["results"]]
    return {"wall": max(session["finished"] for session in done) - released[0],
            "codes": Counter(str(status) for status, _, _ in results),
            "latencies": sorted(seconds for _, seconds, _ in results if seconds is not None),
            "answers": [answer for _, _, answer in results if answer is not None],
            "connections": sum(session["opened"] for session in done)}


def rush_watching_locks(engine: Engine, port: int, path: str, args, run_tag: str) -> dict:
    """The rush in a spawned process; meanwhile count backends waiting on a lock (most seen at once)."""
    most_waiting = 0
    context = multiprocessing.get_context("spawn")  # a clean process: no inherited database connections
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool, engine.connect() as connection:
        future = pool.submit(rush, port, path, args.signups, args.concurrency, run_tag)
        deadline = time.monotonic() + RUSH_TIMEOUT + 4 * REQUEST_TIMEOUT
        while not future.done() and time.monotonic() < deadline:
            most_waiting = max(most_waiting, connection.scalar(LOCK_WAITERS))
            connection.rollback()  # a fresh snapshot of pg_stat_activity each time
            time.sleep(0.1)
        return {**future.result(timeout=max(deadline - time.monotonic(), 1)), "lock_waits": most_waiting}


def serve_and_rush(app_spec: str, path: str, args, engine: Engine, run_tag: str) -> dict:
    port = pick_port(args.port)
    server = start_gunicorn(port, args.workers, app_spec)
    try:
        wait_until_answering(server, port, path)
        status, payload = JsonClient(port).post(path, b"{}")  # the first request: is the route there?
        if status in (404, 405):
            said = payload[:300].decode(errors="replace") if payload.startswith(b"{") else "not JSON"
            raise RouteMissing(f"POST {path} answered {status}, {said}")
        return rush_watching_locks(engine, port, path, args, run_tag)
    finally:
        stop_gunicorn(server)


def check_answers(event_id: int, answers: list[tuple]) -> dict:
    """The 201s' status and waitlist_position, alone and against the rows (found by token)."""
    rows = db.session.execute(select(Registration.token, Registration.status)
                              .where(Registration.event_id == event_id).order_by(Registration.id)).all()
    expected, places = {}, 0
    for token, status in rows:  # a waitlisted registration's place is its rank in id (arrival) order
        places += status == RegistrationStatus.WAITLISTED
        expected[token] = (status.value, places if status == RegistrationStatus.WAITLISTED else None)
    positions = [position for status, _, position in answers if status == "waitlisted"]
    counted = all(type(position) is int for position in positions)
    return {"confirmed": sum(status == "confirmed" for status, _, _ in answers), "waitlisted": len(positions),
            "other": sum(status not in ("confirmed", "waitlisted") for status, _, _ in answers),
            "confirmed_with_position": sum(status == "confirmed" and position is not None
                                           for status, _, position in answers),
            "positions_ok": counted and sorted(positions) == list(range(1, len(positions) + 1)),
            "matched": sum(token in expected for _, token, _ in answers),
            "disagreeing": sum(token in expected and expected[token] != (status, position)
                               for status, token, position in answers)}


def run_eventsapp(args, engine: Engine) -> tuple[dict, list[str], bool]:
    """Migrate, one event, the rush; then the checks as report lines and whether one failed."""
    migrate()
    app = create_app(RATELIMIT_ENABLED=False)  # this process only prepares and checks
    with app.app_context():
        try:
            event_id = create_event(args.seats)
        except ProgrammingError as error:  # e.g. a model changed and its migration is not written yet
            sys.exit(f"api_signup_rush: the migrated schema does not match the models: {error.orig}")
        path = f"/api/v1/events/{event_id}/registrations"
        measured = serve_and_rush(EVENTSAPP, path, args, engine, run_tag=f"e{event_id}")
        outcome = check_outcome(event_id, args.seats)
        answers = check_answers(event_id, measured["answers"])
        db.engine.dispose()
    accepted = measured["codes"]["201"]
    lines = [f"eventsapp database  registrations {outcome['registrations']} for {accepted} answers 201  "
             f"confirmed {outcome['confirmed']}  waitlisted {outcome['waitlisted']}",
             f"eventsapp checks    oversold {outcome['oversold']}  duplicate e-mails {outcome['duplicates']}  "
             f"waiting list in id order: {'yes' if outcome['in_order'] else 'NO'}",
             f"eventsapp answers   confirmed {answers['confirmed']} (with a waitlist_position: "
             f"{answers['confirmed_with_position']})  waitlisted {answers['waitlisted']} (positions 1..N, each "
             f"once: {'yes' if answers['positions_ok'] else 'NO'})  other status {answers['other']}",
             f"                    found by token {answers['matched']}/{len(measured['answers'])}; status or "
             f"position unlike the database's (id order) {answers['disagreeing']}"]
    failed = (outcome["oversold"] or outcome["duplicates"] or not outcome["in_order"]
              or outcome["registrations"] != accepted or answers["confirmed_with_position"]
              or not answers["positions_ok"] or answers["other"] or answers["disagreeing"])
    return measured, lines, bool(failed)


def run_floor(args, engine: Engine) -> tuple[dict, list[str], bool]:
    """The floor's table for the length of the run, the same rush, then one row per 201."""
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {floor_app.TABLE}"))  # left by an interrupted run
        connection.execute(text(floor_app.TABLE_DDL))
    try:
        measured = serve_and_rush(FLOOR, "/floor", args, engine, run_tag=f"f{os.getpid()}")
        with engine.connect() as connection:
            rows, emails = connection.execute(
                text(f"SELECT count(*), count(DISTINCT email) FROM {floor_app.TABLE}")).one()
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TABLE IF EXISTS {floor_app.TABLE}"))
    accepted = measured["codes"]["201"]
    lines = [f"floor checks        rows {rows} for {accepted} answers 201  duplicate e-mails {rows - emails}"]
    return measured, lines, rows != accepted or rows != emails


def print_runs(args, runs: dict) -> None:
    print(f"sign-ups {args.signups}  seats {args.seats}  concurrency {args.concurrency}  "
          f"gunicorn workers {args.workers} (sync)  RATELIMIT_ENABLED=0")
    print(f"{'run':<10}{'sign-ups/s':>11}{'wall s':>8}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}"
          f"{'connections':>13}{'lock waits':>12}  status codes")
    for name, measured in runs.items():
        latencies = measured["latencies"]
        codes = "  ".join(f"{code}: {n}" for code, n in sorted(measured["codes"].items()))
        print(f"{name:<10}{args.signups / measured['wall']:>11.1f}{measured['wall']:>8.2f}"
              + "".join(f"{percentile_ms(latencies, p):>8.0f}" for p in (50, 90, 99, 100))
              + f"{measured['connections']:>13}{measured['lock_waits']:>12}  {codes}")
    if len(runs) == 2:
        app, floor = runs["eventsapp"], runs["floor"]
        print(f"eventsapp/floor     throughput ratio {floor['wall'] / app['wall']:.3g}, p99 ratio "
              f"{percentile_ms(app['latencies'], 99) / percentile_ms(floor['latencies'], 99):.3g}")
    print("(connections: opened during the rush; one per request when the server closes each after its answer; "
          "lock waits: most backends seen waiting on a lock at once, sampled every 0.1 s)")


def main() -> int:
    args = parse_args()
    url = require_postgres()
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    engine = create_engine(normalize_database_url(url))
    print("\n".join(describe_setting(engine)), flush=True)
    runs, lines, failed = {}, [], False
    if not args.floor_only:
        try:
            runs["eventsapp"], app_lines, failed = run_eventsapp(args, engine)
        except RouteMissing as missing:
            print(f"api_signup_rush: the API route is missing ({missing}). It is SPEC 5's "
                  "POST /api/v1/events/<id>/registrations; --floor-only runs the floor alone.", file=sys.stderr)
            return 2
        lines += app_lines
    runs["floor"], floor_lines, floor_failed = run_floor(args, engine)
    engine.dispose()
    print_runs(args, runs)
    print("\n".join(lines + floor_lines))
    errors = sum(n for measured in runs.values() for code, n in measured["codes"].items() if code != "201")
    return 1 if errors or failed or floor_failed else 0


if __name__ == "__main__":
    sys.exit(main())
