"""Settings that protect a deployment: secure cookies under https."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOGIN_PAGE_COOKIES = """
import json
from eventsapp import create_app
response = create_app().test_client().get("/auth/login")
print(json.dumps(response.headers.getlist("Set-Cookie")))
"""


def cookies_set_by_login_page(tmp_path, base_url: str) -> list[str]:
    """The Set-Cookie headers of the login page, in a process whose environment holds this BASE_URL
    (settings are read from the environment once, when eventsapp.config is imported)."""
    env = {**os.environ, "BASE_URL": base_url, "SECRET_KEY": "test", "RATELIMIT_ENABLED": "0",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", LOGIN_PAGE_COOKIES], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path):
    secure = cookies_set_by_login_page(tmp_path, "https://events.example.com")
    assert secure and all("; Secure" in cookie for cookie in secure)
    plain = cookies_set_by_login_page(tmp_path, "http://127.0.0.1:5000")  # `make run` on a laptop
    assert plain and not any("; Secure" in cookie for cookie in plain)
