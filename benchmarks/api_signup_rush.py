"""API sign-up rush: partners' systems post many JSON sign-ups for one event at the same moment, beside a floor.

Serves the real app under gunicorn (sync workers, RATELIMIT_ENABLED=0, REDIS_URL by default Redis db 13) on
127.0.0.1 against PostgreSQL and measures `POST /api/v1/events/<id>/registrations` (SPEC 5) for one event
with --seats seats and its waiting list on. Then, with the same gunicorn command, workers and client code
(rush.py, shared with signup_rush.py), the floor: benchmarks/floor_app.py's `POST /floor`, which parses the
same body and does one INSERT and one COMMIT per request into a table of its own (bench_floor, created for
the run and dropped afterwards).

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
import os
import sys
import uuid

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
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ProgrammingError

from eventsapp import create_app
from eventsapp.config import normalize_database_url
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus

ACCEPTED = "201"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
MISSING = "missing"  # an answer without waitlist_position (null is None)
RETRIED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class RouteMissing(Exception):
    """The first POST answered 404 (or 405): the route is not there."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_rush_options(parser)
    args = parser.parse_args()
    check_rush_options(parser, args)
    return args


class JsonClient:
    """One partner's client: one connection, kept while the server keeps it alive, else opened per request."""

    def __init__(self, port: int, path: str):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.path = path
        self.opened = 0

    def sign_up(self, body: bytes) -> tuple[int, tuple | None]:
        status, payload = self.post(body)
        return status, read_answer(payload) if status == 201 else None

    def post(self, body: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        reused = self.connection.sock is not None
        try:
            return self.send(body, headers)
        except RETRIED:
            if not reused:
                raise
            # The server closed a kept-alive connection while it was idle: once more on a new one, with
            # the same Idempotency-Key, as HTTP client libraries do.
            return self.send(body, headers)

    def send(self, body: bytes, headers: dict) -> tuple[int, bytes]:
        if self.connection.sock is None:
            self.opened += 1
        try:
            self.connection.request("POST", self.path, body=body, headers=headers)
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


def open_client(port: int, path: str, numbers: range, run_tag: str) -> tuple[JsonClient, list[bytes]]:
    """rush.py's client: this thread's bodies, and one invalid POST ({}: nothing written) so every worker
    has loaded its app."""
    client = JsonClient(port, path)
    bodies = [sign_up_body(number, run_tag) for number in numbers]
    client.post(b"{}")
    return client, bodies


def probe_route(port: int, path: str) -> None:
    """The first request: is the route there?"""
    status, payload = JsonClient(port, path).post(b"{}")
    if status in (404, 405):
        said = payload[:300].decode(errors="replace") if payload.startswith(b"{") else "not JSON"
        raise RouteMissing(f"POST {path} answered {status}, {said}")


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
            event_id = create_event(args.seats, slug="api-signup-rush", title_zh="接口报名压力测试",
                                    title_en="API sign-up rush")
        except ProgrammingError as error:  # e.g. a model changed and its migration is not written yet
            sys.exit(f"api_signup_rush: the migrated schema does not match the models: {error.orig}")
        measured = serve_and_rush(EVENTSAPP, f"/api/v1/events/{event_id}/registrations", args, engine, open_client,
                                  extra=(f"e{event_id}",), probe=probe_route)
        outcome = check_outcome(event_id, args.seats)
        answers = check_answers(event_id, measured["answers"])
        db.engine.dispose()
    lines, failed = outcome_report(outcome, measured["codes"][ACCEPTED], ACCEPTED)
    lines += [f"eventsapp answers   confirmed {answers['confirmed']} (with a waitlist_position: "
              f"{answers['confirmed_with_position']})  waitlisted {answers['waitlisted']} (positions 1..N, each "
              f"once: {'yes' if answers['positions_ok'] else 'NO'})  other status {answers['other']}",
              f"                    found by token {answers['matched']}/{len(measured['answers'])}; status or "
              f"position unlike the database's (id order) {answers['disagreeing']}"]
    failed = failed or bool(answers["confirmed_with_position"] or not answers["positions_ok"] or answers["other"]
                            or answers["disagreeing"])
    return measured, lines, failed


def main() -> int:
    args = parse_args()
    url = require_postgres("api_signup_rush", "eventsapp_apibench", " (the rush measures row locks).")
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    engine = create_engine(normalize_database_url(url))
    print("\n".join(describe_setting("api_signup_rush", engine)), flush=True)
    runs, lines, failed = {}, [], False
    if not args.floor_only:
        try:
            runs["eventsapp"], lines, failed = run_eventsapp(args, engine)
        except RouteMissing as missing:
            print(f"api_signup_rush: the API route is missing ({missing}). It is SPEC 5's "
                  "POST /api/v1/events/<id>/registrations; --floor-only runs the floor alone.", file=sys.stderr)
            return 2
    runs["floor"], floor_lines, floor_failed = run_floor(args, engine, "/floor", open_client, (f"f{os.getpid()}",),
                                                         ACCEPTED)
    engine.dispose()
    print_runs(args, runs)
    print("\n".join(lines + floor_lines))
    return 1 if errors(runs, ACCEPTED) or failed or floor_failed else 0


if __name__ == "__main__":
    sys.exit(main())
