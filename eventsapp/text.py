"""Single-line text: names and titles end up in e-mail subjects and calendar names, where a line
break is not just ugly but fatal (an e-mail header or a content line cannot hold one). Pure functions.
"""
import re

# The control characters (Unicode category Cc: \t \n \r, \x0b, \x85, ...) and the line and paragraph
# separators U+2028/U+2029 (Zl, Zp): the rest of Cc and everything str.splitlines() splits on.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def has_control_character(value: str) -> bool:
    """True when `value` holds a line break, a tab or another control character."""
    return _CONTROL_CHARACTERS.search(value) is not None


def one_line(value: str) -> str:
    """`value` with each run of control characters replaced by one space, for text stored before such
    characters were refused (an e-mail subject, a calendar name)."""
    return _CONTROL_CHARACTERS.sub(" ", value).strip()
