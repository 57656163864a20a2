"""Unified Social Credit Code (统一社会信用代码), GB 32100-2015."""
import re

# The code alphabet leaves out I, O, Z, S and V, which are easy to confuse with digits.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATTERN = re.compile(rf"^[{ALPHABET}]{{18}}$")


def uscc_check_character(first_17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first_17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    code = code.strip().upper()
    return bool(PATTERN.match(code)) and uscc_check_character(code[:17]) == code[17]
