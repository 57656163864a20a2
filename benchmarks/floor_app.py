"""The floor of the sign-up rushes: the least a sign-up can cost on the same stack.

* `POST /floor` (api_signup_rush.py): parse the same JSON body as the API sign-up, check it the way a
  careless API would (name, e-mail, consent), one INSERT and one COMMIT, answer 201 with a JSON object.
* `GET /floor/form` and `POST /floor/form` (signup_rush.py): a page with the same two hidden fields as
  the sign-up form (csrf_token, submission_key: random, never checked), and its form-encoded POST,
  checked the same careless way (name, e-mail, the hidden fields present, consent "y"), one INSERT and
  one COMMIT, answered 302 as the real form does.

No eventsapp code, no ORM, no lock, no mail, no session: Flask, gunicorn and one psycopg 3 connection
per process on `DATABASE_URL`. Whatever eventsapp's sign-up costs above this is its own work.

The rushes create the table before serving this app (TABLE_DDL) and drop it afterwards:

    gunicorn --workers 4 benchmarks.floor_app:app
"""
import os
import secrets

import psycopg
from flask import Flask, jsonify, redirect, request

TABLE = "bench_floor"
TABLE_DDL = (f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL, "
             "created_at timestamptz NOT NULL DEFAULT now())")
FORM_PAGE = ("<!doctype html><title>Sign up</title><form method=post>"
             '<input type="hidden" name="csrf_token" value="{csrf_token}">'
             '<input type="hidden" name="submission_key" value="{submission_key}">'
             "<input name=name><input name=email><input name=phone><input name=organization>"
             "<input type=checkbox name=consent value=y><button>Sign up</button></form>")
INSERT = f"INSERT INTO {TABLE} (name, email) VALUES (%s, %s) RETURNING id"

app = Flask(__name__)
_connection: psycopg.Connection | None = None
_connection_pid = 0


def conninfo() -> str:
    """libpq takes postgresql:// and postgres://, not SQLAlchemy's postgresql+psycopg://."""
    url = os.environ["DATABASE_URL"]
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def process_connection() -> psycopg.Connection:
    """One connection per worker process, opened after the fork (a connection must never cross one)."""
    global _connection, _connection_pid
    if _connection is None or _connection.closed or _connection_pid != os.getpid():
        _connection = psycopg.connect(conninfo())
        _connection_pid = os.getpid()
    return _connection


def insert_sign_up(name: str, email: str) -> int:
    connection = process_connection()
    try:
        (new_id,) = connection.execute(INSERT, (name, email)).fetchone()
        connection.commit()
    except psycopg.Error:
        connection.close()  # the next request opens a fresh one
        raise
    return new_id


@app.post("/floor")
def sign_up():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(message="The body must be a JSON object."), 422
    errors = {field: ["This field is required."] for field in ("name", "email")
              if not isinstance(body.get(field), str) or not body[field].strip()}
    if body.get("consent") is not True:
        errors["consent"] = ["Consent is required."]
    if errors:
        return jsonify(message="Some fields are invalid.", errors=errors), 422
    new_id = insert_sign_up(body["name"].strip(), body["email"].strip().lower())
    return jsonify(id=new_id, status="confirmed", waitlist_position=None), 201


@app.get("/floor/form")
def sign_up_page():
    return FORM_PAGE.format(csrf_token=secrets.token_urlsafe(32), submission_key=secrets.token_urlsafe(16))


@app.post("/floor/form")
def sign_up_form():
    form = request.form
    missing = [field for field in ("name", "email", "csrf_token", "submission_key") if not form.get(field, "").strip()]
    if missing or form.get("consent") != "y":
        return "Some fields are invalid.", 422
    insert_sign_up(form["name"].strip(), form["email"].strip().lower())
    return redirect("/floor/form", 302)
