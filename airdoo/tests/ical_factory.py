"""Build iCalendar feeds for tests, shaped like the platforms' exports.

The text is written directly rather than through a calendar library, so that
a feed of ten thousand events takes milliseconds and the tests read exactly
what a platform would send: CRLF line endings and lines folded at 75 octets.
"""

from datetime import date, datetime, timezone

DEFAULT_PRODID = "-//AirDoo Tests//Generated Feed//EN"
# A fixed stamp keeps generated feeds byte-for-byte reproducible.
DTSTAMP = "20310101T000000Z"
LINE_LIMIT = 75


def escape_text(value):
    """Escape a TEXT value as RFC 5545 requires."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """Fold a content line into pieces of at most 75 octets.

    Continuation lines start with a space; a UTF-8 character is never split.
    """
    if len(line) <= LINE_LIMIT // 4 or len(line.encode()) <= LINE_LIMIT:
        return line
    pieces = []
    current = []
    size = 0
    limit = LINE_LIMIT
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
            # The leading space of a continuation line counts too.
            limit = LINE_LIMIT - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def format_moment(name, value):
    """Write DTSTART/DTEND: VALUE=DATE for a date, UTC or floating otherwise."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return f"{name}:{value.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"
        return f"{name}:{value:%Y%m%dT%H%M%S}"
    if isinstance(value, date):
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    raise TypeError(f"{name} must be a date or a datetime, not {value!r}")


def make_feed(events, prodid=DEFAULT_PRODID, name=None):
    """Build a feed from ``(uid, checkin, checkout, summary, description)``.

    ``checkout`` and ``description`` may be None, to leave out DTEND and
    DESCRIPTION; ``checkin`` and ``checkout`` are dates (all-day events) or
    datetimes (timed events).

    :param events: iterable of 5-tuples
    :param str prodid: the calendar's PRODID
    :param str name: an X-WR-CALNAME, if any
    :rtype: bytes
    """
    lines = [
        "BEGIN:VCALENDAR",
        fold(f"PRODID:{prodid}"),
        "CALSCALE:GREGORIAN",
        "VERSION:2.0",
    ]
    if name:
        lines.append(fold(f"X-WR-CALNAME:{escape_text(name)}"))
    for uid, checkin, checkout, summary, description in events:
        lines.append("BEGIN:VEVENT")
        lines.append(f"DTSTAMP:{DTSTAMP}")
        lines.append(format_moment("DTSTART", checkin))
        if checkout is not None:
            lines.append(format_moment("DTEND", checkout))
        lines.append(fold(f"UID:{uid}"))
        if description is not None:
            lines.append(fold(f"DESCRIPTION:{escape_text(description)}"))
        if summary is not None:
            lines.append(fold(f"SUMMARY:{escape_text(summary)}"))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
