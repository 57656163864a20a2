"""Sign-up rush: many people submit the sign-up form for one event at the same moment, beside a floor.

Serves the real app under gunicorn (sync workers, RATELIMIT_ENABLED=0) on 127.0.0.1 against PostgreSQL and
measures what the sign-up POST costs when every seat decision is serialized by the event's row lock. Then,
with the same gunicorn command, workers and client code, the floor: benchmarks/floor_app.py's form-encoded
route, /floor/form, whose page carries the same two hidden fields and whose POST parses the same form and
does one INSERT and one COMMIT into a table of its own (bench_floor, created for the run and dropped
afterwards), answering 302 as the real form does. The rush itself is rush.py's.

* Preparation (not timed): each client thread is one browser session. It loads the sign-up page
  once per sign-up it will make, keeping the session cookie, the csrf_token and a fresh
  submission_key from each page. E-mail addresses are new to each run.
* The rush (timed): all threads start together (a barrier) and post their forms back to back.
  Latency is one POST, from sending the request to reading the whole response (connection set-up
  included: sync workers close the connection after each response). Wall time runs from the barrier
  to the last answer. 302 means accepted; any other answer, or a failed request, is an error.

Afterwards the database must show no oversold seat, no duplicate e-mail, a waiting list that follows
arrival (id) order and one registration per 302; the floor's table one row per 302. Exits 1 otherwise,
or when any sign-up failed. --floor-only runs the floor alone, without migrating.

    createdb -h 127.0.0.1 -U postgres eventsapp_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_bench .venv/bin/python benchmarks/signup_rush.py
"""
import argparse
import html
import http.client
import os
import re
import sys
import urllib.parse

from rush import (  # serving, which it imports, puts eventsapp on sys.path
    REQUEST_TIMEOUT,
    add_rush_options,
    check_outcome,
    check_rush_options,
    create_event,
    errors,
    outcome_report,
    print_runs,
    run_floor,
    serve_and_rush,
)
from serving import EVENTSAPP, HOST, describe_setting, migrate, require_postgres
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ProgrammingError

from eventsapp import create_app
from eventsapp.config import normalize_database_url
from eventsapp.extensions import db

ACCEPTED = "302"
FLOOR_PATH = "/floor/form"
HIDDEN_INPUT = re.compile(r'<input[^>]*\bname="(csrf_token|submission_key)"[^>]*>')
VALUE = re.compile(r'\bvalue="([^"]*)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_rush_options(parser)
    args = parser.parse_args()
    check_rush_options(parser, args)
    return args


class Browser:
    """One client session: a connection (reopened when the server closes it) and its cookies."""

    def __init__(self, port: int, path: str):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.path = path
        self.cookies: dict[str, str] = {}
        self.opened = 0

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = urllib.parse.urlencode(form) if form else None
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.connection.sock is None:
            self.opened += 1
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()  # closes the connection when the answer says so
            page = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, page

    def sign_up(self, item: tuple[dict, dict]) -> tuple[int, None]:
        fields, hidden = item
        status, _ = self.request("POST", self.path, {**fields, **hidden})
        return status, None


def load_form(browser: Browser, path: str) -> dict[str, str]:
    """The hidden fields of a freshly rendered sign-up page: csrf_token and submission_key."""
    status, page = browser.request("GET", path)
    hidden = {m.group(1): html.unescape(VALUE.search(m.group(0)).group(1)) for m in HIDDEN_INPUT.finditer(page)}
    if status != 200 or set(hidden) != {"csrf_token", "submission_key"}:
        raise RuntimeError(f"GET {path} answered {status} without the sign-up form")
    return hidden


def sign_up_fields(number: int, run_tag: str) -> dict[str, str]:
    """Each run its own addresses (the app limits sign-up mails per address and hour)."""
    return {"name": f"Rusher {number}", "email": f"rusher{number}.{run_tag}@example.com", "phone": "13800138000",
            "organization": "Rush Ltd", "consent": "y"}


def open_browser(port: int, path: str, numbers: range, run_tag: str) -> tuple[Browser, list]:
    """rush.py's client: one browser session with a freshly loaded form for each of its sign-ups."""
    browser = Browser(port, path)
    return browser, [(sign_up_fields(number, run_tag), load_form(browser, path)) for number in numbers]


def run_eventsapp(args, engine: Engine) -> tuple[dict, list[str], bool]:
    """Migrate, one event, the rush; then the checks as report lines and whether one failed."""
    migrate()
    app = create_app(RATELIMIT_ENABLED=False)  # this process only prepares and checks
    with app.app_context():
        try:
            event_id = create_event(args.seats, slug="signup-rush", title_zh="报名压力测试", title_en="Sign-up rush")
        except ProgrammingError as error:  # e.g. a model changed and its migration is not written yet
            sys.exit(f"signup_rush: the migrated schema does not match the models: {error.orig}")
        measured = serve_and_rush(EVENTSAPP, f"/events/{event_id}/register", args, engine, open_browser,
                                  extra=(f"e{event_id}",))
        outcome = check_outcome(event_id, args.seats)
        db.engine.dispose()
    lines, failed = outcome_report(outcome, measured["codes"][ACCEPTED], ACCEPTED)
    return measured, lines, failed


def main() -> int:
    args = parse_args()
    url = require_postgres("signup_rush", "eventsapp_bench", " (the rush measures row locks).")
    engine = create_engine(normalize_database_url(url))
    print("\n".join(describe_setting("signup_rush", engine)), flush=True)
    runs, lines, failed = {}, [], False
    if not args.floor_only:
        runs["eventsapp"], lines, failed = run_eventsapp(args, engine)
    runs["floor"], floor_lines, floor_failed = run_floor(args, engine, FLOOR_PATH, open_browser,
                                                         (f"f{os.getpid()}",), ACCEPTED)
    engine.dispose()
    print_runs(args, runs)
    print("\n".join(lines + floor_lines))
    return 1 if errors(runs, ACCEPTED) or failed or floor_failed else 0


if __name__ == "__main__":
    sys.exit(main())
