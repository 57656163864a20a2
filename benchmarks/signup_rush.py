"""Sign-up rush: many people submit the sign-up form for one event at the same moment.

Serves the real app under gunicorn (sync workers) on 127.0.0.1, against a PostgreSQL database, and
measures what the sign-up POST costs when every seat decision is serialized by the event's row lock:

* Preparation (not timed): each client thread is one browser session. It loads the sign-up page
  once per sign-up it will make, keeping the session cookie, the csrf_token and a fresh
  submission_key from each page.
* The rush (timed): all threads start together (a barrier) and post their forms back to back.
  Latency is one POST, from sending the request to reading the whole response (connection set-up
  included: sync workers close the connection after each response). Wall time runs from the barrier
  to the last answer. 302 means accepted; any other answer, or a failed request, is an error.

Afterwards the database must show no oversold seat, no duplicate e-mail, and a waiting list that
follows arrival (id) order. Exits non-zero otherwise, or when any sign-up failed.

    createdb -h 127.0.0.1 -U postgres eventsapp_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_bench .venv/bin/python benchmarks/signup_rush.py
"""
import argparse
import html
import http.client
import math
import multiprocessing
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.exc import ProgrammingError  # noqa: E402

from eventsapp import create_app  # noqa: E402
from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Venue  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.registration.models import Registration, RegistrationStatus  # noqa: E402

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
REQUEST_TIMEOUT = 60  # seconds for one HTTP request
RUSH_TIMEOUT = 600  # seconds for preparation plus rush; later sign-ups are not sent
HIDDEN_INPUT = re.compile(r'<input[^>]*\bname="(csrf_token|submission_key)"[^>]*>')
VALUE = re.compile(r'\bvalue="([^"]*)"')
LOCK_WAITERS = text("SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signups", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=200, help="client threads (browser sessions)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    if min(args.signups, args.seats, args.concurrency, args.workers) < 1:
        parser.error("--signups, --seats, --concurrency and --workers must be at least 1")
    return args


def require_postgres() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        sys.exit("signup_rush: set DATABASE_URL to a PostgreSQL database, e.g. "
                 "postgresql://postgres@127.0.0.1:5432/eventsapp_bench (the rush measures row locks).")


def migrate() -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=os.environ,
                   check=True, timeout=300)


def create_event(seats: int) -> int:
    """A published event of its own, starting in 7 days; phone and organization required (the default)."""
    now = datetime.now(UTC).replace(microsecond=0)
    starts_at = now + timedelta(days=7)
    event = Event(
        campaign=Campaign(slug=f"signup-rush-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}", year=now.year,
                          name_zh="报名压力测试", name_en="Sign-up rush"),
        host=Organization(name_zh="压测主办方", name_en="Rush Host"),
        venue=Venue(name_zh="压测会场", name_en="Rush Hall", timezone="Asia/Shanghai"),
        status=EventStatus.PUBLISHED, capacity=seats, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
        timezone="Asia/Shanghai", title_zh="报名压力测试", title_en="Sign-up rush")
    db.session.add(event)
    db.session.commit()
    return event.id


def pick_port(port: int) -> int:
    if port:
        return port
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "RATELIMIT_ENABLED": "0"}
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(32))  # one key for all workers: CSRF tokens cross them
    command = [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(workers),
               "--log-level", "warning", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_up(server: subprocess.Popen, port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"signup_rush: gunicorn exited with status {server.returncode}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    sys.exit(f"signup_rush: gunicorn did not answer {path} within {timeout:.0f} s")


class Browser:
    """One client session: a connection (reopened when the server closes it) and its cookies."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = urllib.parse.urlencode(form) if form else None
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            page = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, page


def load_form(browser: Browser, path: str) -> dict[str, str]:
    """The hidden fields of a freshly rendered sign-up page: csrf_token and submission_key."""
    status, page = browser.request("GET", path)
    hidden = {m.group(1): html.unescape(VALUE.search(m.group(0)).group(1)) for m in HIDDEN_INPUT.finditer(page)}
    if status != 200 or set(hidden) != {"csrf_token", "submission_key"}:
        raise RuntimeError(f"GET {path} answered {status} without the sign-up form")
    return hidden


def sign_up_fields(number: int) -> dict[str, str]:
    return {"name": f"Rusher {number}", "email": f"rusher{number}@example.com", "phone": "13800138000",
            "organization": "Rush Ltd", "consent": "y"}


def client_session(port: int, path: str, numbers: range, barrier: threading.Barrier, deadline: float) -> dict:
    """Prepare every form of this session, wait for the others, then post them one after another."""
    browser = Browser(port)
    try:
        forms = [load_form(browser, path) for _ in numbers]
        barrier.wait(timeout=max(deadline - time.monotonic(), 0.001))
    except Exception:
        barrier.abort()  # the other sessions stop waiting
        raise
    results = []
    for number, hidden in zip(numbers, forms, strict=True):
        if time.monotonic() > deadline:
            results.append(("not sent: overall timeout", None))
            continue
        started = time.perf_counter()
        try:
            status, _ = browser.request("POST", path, {**sign_up_fields(number), **hidden})
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        results.append((status, time.perf_counter() - started))
    return {"results": results, "finished": time.perf_counter()}


def rush(port: int, event_id: int, signups: int, concurrency: int) -> dict:
    """Runs in a separate process: `concurrency` sessions share out `signups` sign-ups."""
    sessions = min(concurrency, signups)
    released = []
    barrier = threading.Barrier(sessions, action=lambda: released.append(time.perf_counter()))
    deadline = time.monotonic() + RUSH_TIMEOUT
    path = f"/events/{event_id}/register"
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(client_session, port, path, range(i, signups, sessions), barrier, deadline)
                   for i in range(sessions)]
        done = [future.result(timeout=RUSH_TIMEOUT + 2 * REQUEST_TIMEOUT) for future in futures]
    results = [result for session in done for result in session["results"]]
    return {"wall": max(session["finished"] for session in done) - released[0],
            "codes": Counter(str(status) for status, _ in results),
            "latencies": sorted(seconds for _, seconds in results if seconds is not None)}


def run_rush_watching_locks(args, port: int, event_id: int) -> tuple[dict, int]:
    """The rush in a spawned process; meanwhile count backends waiting on a lock (most seen at once)."""
    most_waiting = 0
    context = multiprocessing.get_context("spawn")  # a clean process: no inherited database connections
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(rush, port, event_id, args.signups, args.concurrency)
        deadline = time.monotonic() + RUSH_TIMEOUT + 3 * REQUEST_TIMEOUT
        while not future.done() and time.monotonic() < deadline:
            most_waiting = max(most_waiting, db.session.scalar(LOCK_WAITERS))
            db.session.rollback()  # a fresh snapshot of pg_stat_activity each time
            time.sleep(0.1)
        return future.result(timeout=max(deadline - time.monotonic(), 1)), most_waiting


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


def percentile_ms(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not ordered:
        return float("nan")
    return 1000 * ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)]


def print_report(args, measured: dict, most_waiting: int, outcome: dict) -> None:
    latencies = measured["latencies"]
    print(f"sign-ups {args.signups}  seats {args.seats}  concurrency {args.concurrency}  "
          f"gunicorn workers {args.workers} (sync)")
    print(f"wall time {measured['wall']:.2f} s  ->  {args.signups / measured['wall']:.1f} sign-ups/s")
    print("POST latency ms  " + "  ".join(f"{label} {percentile_ms(latencies, p):.0f}" for label, p in
                                         (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))))
    print("status codes     " + "  ".join(f"{code}: {n}" for code, n in sorted(measured["codes"].items())))
    print(f"database         registrations {outcome['registrations']}  confirmed {outcome['confirmed']}  "
          f"waitlisted {outcome['waitlisted']}")
    print(f"checks           oversold {outcome['oversold']}  duplicate e-mails {outcome['duplicates']}  "
          f"waiting list in id order: {'yes' if outcome['in_order'] else 'NO'}")
    print(f"lock waits       at most {most_waiting} backend(s) seen waiting on a lock (sampled every 0.1 s)")


def main() -> int:
    args = parse_args()
    require_postgres()
    migrate()
    app = create_app()
    port = pick_port(args.port)
    with app.app_context():
        try:
            event_id = create_event(args.seats)
        except ProgrammingError as error:  # e.g. a model changed and its migration is not written yet
            sys.exit(f"signup_rush: the migrated schema does not match the models: {error.orig}")
        server = start_gunicorn(port, args.workers)
        try:
            wait_until_up(server, port, f"/events/{event_id}/register")
            measured, most_waiting = run_rush_watching_locks(args, port, event_id)
        finally:
            stop_gunicorn(server)
        outcome = check_outcome(event_id, args.seats)
        db.engine.dispose()
    print_report(args, measured, most_waiting, outcome)
    errors = sum(n for code, n in measured["codes"].items() if code != "302")
    failed = errors or outcome["oversold"] or outcome["duplicates"] or not outcome["in_order"]
    return 1 if failed else 0


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
