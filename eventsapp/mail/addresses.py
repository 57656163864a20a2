"""E-mail addresses as the app compares them."""


def normalize_email(email: str) -> str:
    """One spelling per address: 'Li@Example.com ' and 'li@example.com' are the same person."""
    return email.strip().lower()
