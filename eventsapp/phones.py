"""The mobile-number rule of the sign-up form and the JSON API: one pure function, `normalize_phone`.

What people type is read like this (issue 10), and stored in one form, E.164 (`+8613800138000`):

1. Full-width characters from a Chinese keyboard count as their ASCII twins (１３８ → 138, ＋ → +).
2. Spaces, hyphens and dashes, dots and parentheses are dropped: `138 0013 8000`, `138-0013-8000`,
   `(+86) 138.0013.8000`.
3. A leading `00` is the international prefix dialled from China: `0086…` is `+86…`, `0049…` is `+49…`.
4. Mainland China: `+86` followed by a mobile number `^1[3-9]\\d{9}$`; without `+`, the 11-digit
   mobile number itself, or 13 digits starting with `86` (a `+86` whose `+` was left out: no mobile
   number has 13 digits, so this is never ambiguous). Landlines (`021 6888 8888`) are refused: the
   organizers need a number that takes text messages on the day.
5. Anywhere else: E.164, `+` then 8 to 15 digits, of a country calling code that exists and a length
   that country's numbers can have (the `phonenumbers` metadata). Not its stricter "valid number"
   check: a new number range must not be refused because the metadata is older than it.
"""
import re
import unicodedata

import phonenumbers

CHINA_MOBILE = re.compile(r"1[3-9][0-9]{9}")
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―.()]")  # the dashes: hyphen-minus, U+2010-2015
E164 = re.compile(r"\+[1-9][0-9]{7,14}")


class InvalidPhone(ValueError):
    """Not a mainland mobile number, nor an international number in E.164."""


def normalize_phone(value: str) -> str:
    """'+86 138-0013-8000', '0086 13800138000' or '138 0013 8000' → '+8613800138000';
    '+49 151 1234 5678' → '+4915112345678'. Raises InvalidPhone."""
    number = SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if number.startswith("00"):
        number = "+" + number[2:]
    if not number.startswith("+") and len(number) == 13 and number.startswith("86"):
        number = "+" + number
    if number.startswith("+86"):
        number = number[3:]
        if not CHINA_MOBILE.fullmatch(number):  # "+86+49 …" is no number, in China or abroad
            raise InvalidPhone(value)
    if not number.startswith("+"):
        if not CHINA_MOBILE.fullmatch(number):
            raise InvalidPhone(value)
        return "+86" + number
    if not E164.fullmatch(number) or not is_possible_abroad(number):
        raise InvalidPhone(value)
    return number


def is_possible_abroad(number: str) -> bool:
    """A known country calling code, and a length its numbers can have."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(parsed)


def display_phone(number: str) -> str:
    """How a stored number reads: '+8613800138000' → '+86 138 0013 8000' (mobile numbers in China are
    read 3-4-4); other countries in their international format; anything else as it is."""
    if number.startswith("+86") and CHINA_MOBILE.fullmatch(number[3:]):
        digits = number[3:]
        return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"
    try:
        return phonenumbers.format_number(phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return number
