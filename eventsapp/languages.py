"""The two languages of the site, and choosing between the two versions of a bilingual text.

Pure functions: the feeds' serializer and the services use them without a request.
"""
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_NAMES = {"zh": "简体中文", "en": "English"}


def supported_language(asked: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """`asked` when it is one of ours (e.g. a feed's ?lang=), else `default`."""
    return asked if asked in LANGUAGES else default


def other_language(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def pick_language(zh: str | None, en: str | None, lang: str) -> str:
    """The text in `lang`, falling back to the other language when that one is empty."""
    first, second = (zh, en) if lang == "zh" else (en, zh)
    return first or second or ""


def ordinal(number: int, lang: str) -> str:
    """'1st', '2nd', '23rd' in English; a bare number in Chinese, where the message adds 第…场."""
    if lang == "zh":
        return str(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
