"""The screen's codes (checkin/screen.py): a code lives in its 30-second window and the next, then expires;
another event's code, a tampered one and one signed with another secret are refused. Pure: no app needed."""
import ast
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventsapp.checkin import screen
from eventsapp.checkin.screen import (
    WINDOW_SECONDS,
    Freshness,
    check_form_pass,
    check_screen_code,
    form_pass,
    screen_code,
    seconds_left,
    window_of,
)

SECRET = "screen-test-secret"
START = datetime(2026, 5, 20, 6, 0, 0, tzinfo=UTC)  # a window boundary (1779256800 is a multiple of 30)


def checked(code, *, after: float, event_id: int = 7, secret: str = SECRET) -> Freshness:
    return check_screen_code(code, event_id, secret=secret, now=START + timedelta(seconds=after))


def test_windows_are_30_seconds_and_the_screen_knows_when_it_changes():
    assert int(START.timestamp()) % WINDOW_SECONDS == 0
    assert window_of(START + timedelta(seconds=29)) == window_of(START)
    assert window_of(START + timedelta(seconds=30)) == window_of(START) + 1
    assert seconds_left(START) == 30 and seconds_left(START + timedelta(seconds=28)) == 2


@pytest.mark.parametrize(("after", "expected"), [
    (0, Freshness.FRESH), (29, Freshness.FRESH),  # its own window
    (30, Freshness.FRESH), (34, Freshness.FRESH),  # the next one's first seconds: scanned just before the change
    (35, Freshness.EXPIRED), (59, Freshness.EXPIRED),  # the QR changed: a screenshot of the old one is dead
    (60, Freshness.EXPIRED), (3600, Freshness.EXPIRED),
    (-30, Freshness.FRESH),  # a server whose clock is a little behind the one that drew the screen
    (-60, Freshness.INVALID),  # from further ahead: not made by us now
])
def test_a_code_is_accepted_in_its_window_and_a_few_seconds_after_only(after, expected):
    code = screen_code(7, secret=SECRET, now=START + timedelta(seconds=10))
    assert checked(code, after=after) == expected


def test_each_window_has_its_own_code():
    codes = {screen_code(7, secret=SECRET, now=START + timedelta(seconds=30 * n)) for n in range(20)}
    assert len(codes) == 20


def test_another_events_code_is_refused():
    code = screen_code(7, secret=SECRET, now=START)
    assert checked(code, after=5, event_id=8) == Freshness.INVALID


@pytest.mark.parametrize("tamper", [
    lambda code: code[:-1] + ("0" if code[-1] != "0" else "1"),  # one character of the signature
    lambda code: f"{int(code.split('.')[0], 16) + 1:x}." + code.split(".")[1],  # a later window, same signature
    lambda code: code.split(".")[0] + ".",  # cut short
    lambda code: code.upper(),
    lambda code: code + "0",
])
def test_a_tampered_code_is_refused(tamper):
    code = screen_code(7, secret=SECRET, now=START)
    assert checked(tamper(code), after=5) == Freshness.INVALID


@pytest.mark.parametrize("junk", [None, "", "abc", "1.2", "ffffffffffffffffff.00", "\x00", "é." + "0" * 20])
def test_junk_is_refused_without_error(junk):
    assert checked(junk, after=0) == Freshness.INVALID


def test_a_code_made_with_another_secret_is_refused():
    code = screen_code(7, secret="someone else's secret", now=START)
    assert checked(code, after=5) == Freshness.INVALID


def test_a_form_pass_lasts_three_minutes_and_is_no_screen_code():
    issued = form_pass(7, secret=SECRET, now=START)
    assert check_form_pass(issued, 7, secret=SECRET, now=START + timedelta(minutes=2, seconds=59)) == Freshness.FRESH
    assert check_form_pass(issued, 7, secret=SECRET, now=START + timedelta(minutes=3)) == Freshness.EXPIRED
    assert check_form_pass(issued, 8, secret=SECRET, now=START) == Freshness.INVALID
    assert checked(issued, after=0) == Freshness.INVALID  # a pass never shows the page: only the screen does
    assert check_form_pass(screen_code(7, secret=SECRET, now=START), 7, secret=SECRET, now=START) == Freshness.INVALID


def test_the_rules_import_only_the_standard_library():
    """Pure rules (STYLE 13): the secret and the clock come in as arguments, nothing is read from an app."""
    tree = ast.parse(Path(screen.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))
