"""Checking credentials tells nothing about which accounts exist, not even by how long it takes."""
import pytest
from werkzeug import security

from eventsapp.accounts.services import authenticate


@pytest.fixture
def password_checks(monkeypatch):
    """The hashes checked, in order: each check costs the same (one scrypt), so their count is the time."""
    checked: list[str] = []
    real_check = security.check_password_hash

    def counting_check(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(security, "check_password_hash", counting_check)
    return checked


@pytest.mark.parametrize("email, password", [
    ("nobody@example.com", "any password"),  # no such account
    ("retired@example.com", "retired password"),  # inactive, right password
    ("active@example.com", "wrong password"),
    ("active@example.com", "active password"),
])
def test_every_login_attempt_costs_one_password_check(app_ctx, make_user, password_checks, email, password):
    make_user(email="active@example.com", password="active password", production_hash=True)
    make_user(email="retired@example.com", password="retired password", is_active_account=False,
              production_hash=True)
    user = authenticate(email, password)
    assert len(password_checks) == 1
    assert password_checks[0].startswith(security.generate_password_hash("x").split("$")[0])  # a hash like theirs
    assert (user is not None) == ((email, password) == ("active@example.com", "active password"))
