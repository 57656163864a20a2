"""What the benchmarks that serve an app share: eventsapp on sys.path, the database they run on, gunicorn.

Import it before eventsapp: it puts the project root on sys.path.
"""
import http.client
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
EVENTSAPP = "wsgi:app"
FLOOR = "benchmarks.floor_app:app"  # the one-INSERT floor of the sign-up rushes


def require_postgres(script: str, example_database: str, why: str = "") -> str:
    """DATABASE_URL, which must name a PostgreSQL database; exits with an example otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        sys.exit(f"{script}: set DATABASE_URL to a PostgreSQL database, e.g. "
                 f"postgresql://postgres@127.0.0.1:5432/{example_database}{why}")
    return url


def describe_setting(script: str, engine: Engine) -> list[str]:
    """When, where, on what: the machine's cores are shared by clients, gunicorn, PostgreSQL and Redis."""
    with engine.connect() as connection:
        version = connection.scalar(text("SHOW server_version"))
        name = connection.scalar(text("SELECT current_database()"))
    lines = [f"{script} {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}): "
             f"nproc {len(os.sched_getaffinity(0))}, Python {platform.python_version()}",
             f"database PostgreSQL {version}, {name} at {engine.url.host}:{engine.url.port or 5432}"]
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        try:
            import redis
            state = "answers" if redis.Redis.from_url(redis_url, socket_timeout=0.5).ping() else "no PONG"
        except Exception as error:  # the app falls back to its own memory; the benchmarks use no rate limit
            state = f"does not answer: {type(error).__name__}"
        lines[-1] += f"; Redis {redis_url} ({state})"
    return lines


def migrate() -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=os.environ,
                   check=True, timeout=300)


def pick_port(port: int) -> int:
    if port:
        return port
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, app_spec: str = EVENTSAPP,
                   env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Sync workers on 127.0.0.1, rate limits off; the same command whatever the app (eventsapp or a floor).

    `env` replaces os.environ as the app's environment."""
    env = {**(os.environ if env is None else env), "RATELIMIT_ENABLED": "0"}
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(32))  # one key for all workers: CSRF tokens cross them
    command = [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(workers),
               "--log-level", "warning", app_spec]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_up(server: subprocess.Popen, port: int, path: str, timeout: float = 60) -> None:
    """Until a GET of `path` gets any HTTP answer (POST-only routes answer 405)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    sys.exit(f"gunicorn did not answer {path} within {timeout:.0f} s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)
