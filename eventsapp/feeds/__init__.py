"""Calendar feeds: the iCalendar serializer (ical.py); the feed routes come later (SPEC section 4)."""
