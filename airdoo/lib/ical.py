"""Reading and writing the iCalendar feeds (RFC 5545) that calendar sync trades.

A platform's export lists the nights it holds: guests' stays and the host's
blocks. :func:`parse_feed` turns such a feed into :class:`FeedEvent` values,
refusing anything that is not a complete calendar, so that a broken download
can never be mistaken for "every booking was cancelled". :func:`build_calendar`
writes AirDoo's own export, with dates only and no personal data.

Dates follow the hotel convention of RFC 5545 all-day events: ``checkin`` is
the first night held and ``checkout`` the morning the guest leaves, which is
not a night held. Two events where one ends the day the other starts (a
same-day turnover) do not overlap.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event
from icalendar.error import InvalidCalendar

# Why a feed was refused, as the sync log records it.
ERROR_EMPTY = "empty_body"
ERROR_NOT_A_CALENDAR = "not_a_calendar"
ERROR_TRUNCATED = "truncated"
ERROR_PARSE = "parse_error"
ERROR_INVALID_EVENT = "invalid_event"

STATUS_CANCELLED = "CANCELLED"

ONE_NIGHT = timedelta(days=1)

# A summary naming one of these marks dates the host closed, not a stay:
# "Airbnb (Not available)", Booking.com's "CLOSED - Not available", Vrbo's
# "Blocked", and the usual wording of other calendars.
_BLOCK_WORDS = re.compile(
    r"\b(?:not\s+available|unavailable|blocked|closed)\b", re.IGNORECASE
)
# Airbnb puts the reservation's page in the description of a stay:
# "Reservation URL: https://www.airbnb.com/hosting/reservations/details/HM...".
_RESERVATION_URL = re.compile(
    r"/reservations/details/([A-Z0-9]{6,32})\b", re.IGNORECASE
)
# How much of the body to look at for an HTML page.
_SNIFF_LENGTH = 512
# VCALENDAR > VTIMEZONE > STANDARD, or VCALENDAR > VEVENT > VALARM, is as deep
# as real calendars go; far deeper nesting is an attack on the parser.
MAX_NESTING = 8


class FeedError(Exception):
    """A feed AirDoo refuses to read.

    :param str code: a stable, machine-readable reason, one of the
        ``ERROR_*`` constants
    :param str message: a sentence for the host, saying what to check
    """

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FeedEvent:
    """One occupied range of nights read from a feed."""

    uid: str
    checkin: date
    checkout: date
    summary: str = ""
    is_block: bool = False
    confirmation_code: str | None = None
    description: str | None = None
    status: str | None = None

    @property
    def nights(self):
        return (self.checkout - self.checkin).days


@dataclass(frozen=True)
class ExportEvent:
    """One occupied range of nights for AirDoo's own feed."""

    uid: str
    checkin: date
    checkout: date
    summary: str


def classify(summary, description=None):
    """Tell a block from a stay and find the stay's confirmation code.

    An Airbnb reservation URL in the description gives the confirmation code
    and makes the event a stay, whatever its summary. Otherwise a summary
    containing "Not available", "Unavailable", "Blocked" or "Closed" (any case)
    is a block, and anything else a stay. Booking.com exports its bookings and
    its closures alike as "CLOSED - Not available", so both read as blocks.

    :param str summary: the event's SUMMARY, or None
    :param str description: the event's DESCRIPTION, or None
    :return: ``(is_block, confirmation_code)``; the code is None when absent
    """
    match = _RESERVATION_URL.search(description or "")
    if match:
        return False, match.group(1).upper()
    return bool(_BLOCK_WORDS.search(summary or "")), None


def parse_feed(body):
    """Read the events of an iCalendar feed.

    Only a body that is one complete VCALENDAR is read; an empty body, an HTML
    page, a download cut short or a malformed calendar raises, so that the
    caller keeps the dates it had. A calendar with no events gives ``[]``:
    whether that is plausible is for the caller to judge.

    Events are turned into nights as follows:

    - ``checkin`` is the date of DTSTART and ``checkout`` the date of DTEND,
      which is exclusive.
    - A DATE value is a calendar date and is taken as is, never through a
      timezone.
    - A DATE-TIME value gives its date in its own timezone (UTC for a ``Z``
      time, the wall clock for a floating one), with no conversion. A timed
      event thus holds every night it is still running at midnight: one
      ending at 10:00 on day D frees the night of D (``checkout`` = D), one
      ending at 00:00 on day D holds the night before it.
    - Without DTEND, DURATION gives the end; without either, the event holds
      one night.
    - An event ending on or before its start day holds one night.
    - Events with STATUS:CANCELLED are skipped: a cancelled event frees its
      dates, which is what leaving it out of the feed would mean too.
    - RRULE is not expanded: platforms export each stay as its own event.
    - An event without UID gets one derived from its dates and summary.

    Duplicates and overlaps are kept as found; see :func:`merge_duplicates`.

    :param bytes body: the raw feed, UTF-8 (a byte order mark is allowed)
    :rtype: list[FeedEvent]
    :raise FeedError: when the body is not one complete, readable calendar
    """
    if not body or not body.strip():
        raise FeedError(
            ERROR_EMPTY, "The calendar address answered with an empty page."
        )
    text = body.decode("utf-8-sig", errors="replace")
    _check_structure(text)
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        # The library's message quotes the feed, which may hold guests' names:
        # keep it on the chained exception, out of the host's message.
        raise FeedError(
            ERROR_PARSE,
            "The calendar could not be read: it does not follow the iCalendar format.",
        ) from error
    if calendar.name != "VCALENDAR":
        raise FeedError(ERROR_NOT_A_CALENDAR, _not_a_calendar_message())
    events = []
    for position, component in enumerate(calendar.walk("VEVENT"), start=1):
        event = _read_event(component, position)
        if event is not None:
            events.append(event)
    return events


def _not_a_calendar_message():
    return (
        "The calendar address did not answer with a calendar (a file starting "
        "with BEGIN:VCALENDAR). Check that it is the platform's iCal export link."
    )


def _check_structure(text):
    """Refuse what is not one complete VCALENDAR, before any parsing.

    The parser forgives a lot, so the raw BEGIN/END lines are checked here:
    a download cut short must not read as a calendar with fewer events.
    """
    opening = text.lstrip()[:_SNIFF_LENGTH]
    first_line = opening.split("\n", 1)[0].strip()
    if first_line.upper() != "BEGIN:VCALENDAR":
        if opening.startswith("<") or "<html" in opening.lower():
            raise FeedError(
                ERROR_NOT_A_CALENDAR,
                "The calendar address answered with a web page (HTML) instead "
                "of a calendar. Check the export link: it may have expired or "
                "need a login.",
            )
        raise FeedError(ERROR_NOT_A_CALENDAR, _not_a_calendar_message())
    open_components = []
    closed = False
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if closed:
            if line.strip():
                raise FeedError(
                    ERROR_PARSE,
                    "The calendar has content after its END:VCALENDAR line.",
                )
            continue
        head = line[:6].upper()
        if head == "BEGIN:":
            open_components.append(line[6:].strip().upper())
            if len(open_components) > MAX_NESTING:
                raise FeedError(
                    ERROR_PARSE,
                    "The calendar nests components deeper than any calendar does.",
                )
        elif head[:4] == "END:":
            name = line[4:].strip().upper()
            if not open_components or open_components[-1] != name:
                raise FeedError(
                    ERROR_PARSE,
                    f"The calendar has an END:{name[:40]} line that closes "
                    "nothing open.",
                )
            open_components.pop()
            closed = not open_components
    if open_components:
        raise FeedError(
            ERROR_TRUNCATED,
            "The calendar stops before its END:VCALENDAR line: the download was "
            "cut short. The next sync will try again.",
        )


def _text(component, name):
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value).strip()


def _day(value):
    # datetime is a subclass of date: test it first.
    if isinstance(value, datetime):
        return value.date()
    return value


def _read_event(component, position):
    """Turn one VEVENT into a :class:`FeedEvent`, or None when cancelled."""
    uid = _text(component, "UID")
    label = f"Event {position}" + (f" (UID {uid[:80]})" if uid else "")
    try:
        start = component.DTSTART
        end = component.DTEND
        duration = component.DURATION
    except InvalidCalendar:
        raise FeedError(
            ERROR_INVALID_EVENT,
            f"{label} has a start, end or duration that cannot be read.",
        ) from None
    if start is None:
        raise FeedError(ERROR_INVALID_EVENT, f"{label} has no start date (DTSTART).")
    status = _text(component, "STATUS").upper() or None
    if status == STATUS_CANCELLED:
        return None
    try:
        if end is None and duration is not None:
            end = start + duration
        checkin = _day(start)
        checkout = _day(end) if end is not None else None
        if checkout is None or checkout <= checkin:
            checkout = checkin + ONE_NIGHT
    except OverflowError:
        raise FeedError(
            ERROR_INVALID_EVENT, f"{label} has dates outside the calendar's range."
        ) from None
    summary = _text(component, "SUMMARY")
    description = _text(component, "DESCRIPTION") or None
    if not uid:
        uid = _derived_uid(checkin, checkout, summary)
    is_block, confirmation_code = classify(summary, description)
    return FeedEvent(
        uid=uid,
        checkin=checkin,
        checkout=checkout,
        summary=summary,
        is_block=is_block,
        confirmation_code=confirmation_code,
        description=description,
        status=status,
    )


def _derived_uid(checkin, checkout, summary):
    # Stable across syncs as long as the event itself does not change.
    seed = f"{checkin.isoformat()}|{checkout.isoformat()}|{summary}"
    return "no-uid-" + hashlib.sha256(seed.encode()).hexdigest()[:24]


def merge_duplicates(events):
    """Fold one feed's events into non-overlapping ranges.

    - Events with the same UID and the same dates are copies: one is kept.
    - Events sharing at least one night are merged into one event spanning
      them all. It keeps the UID of the earliest (by checkin, then UID), is a
      stay if any of them is, takes its summary, description and status from
      the first stay (or the first event when all are blocks), and keeps the
      first confirmation code found. Events that only touch (one ends the day
      the next starts) stay apart.
    - Events left with the same UID but on different dates are all kept,
      since dropping one would free nights the platform holds: the first keeps
      the UID, the others get ``<uid>/<checkin>``.

    :param events: the :class:`FeedEvent` values of one feed
    :return: the merged events, sorted by checkin then UID
    :rtype: list[FeedEvent]
    """
    unique = {}
    for event in events:
        unique.setdefault((event.uid, event.checkin, event.checkout), event)
    ordered = sorted(unique.values(), key=lambda event: (event.checkin, event.uid))
    groups = []
    group_end = None
    for event in ordered:
        if groups and event.checkin < group_end:
            groups[-1].append(event)
            group_end = max(group_end, event.checkout)
        else:
            groups.append([event])
            group_end = event.checkout
    merged = [_merge_group(group) for group in groups]
    seen_uids = set()
    result = []
    for event in merged:
        if event.uid in seen_uids:
            event = replace(event, uid=f"{event.uid}/{event.checkin.isoformat()}")
        seen_uids.add(event.uid)
        result.append(event)
    return result


def _merge_group(group):
    if len(group) == 1:
        return group[0]
    first = group[0]
    stays = [event for event in group if not event.is_block]
    leading = stays[0] if stays else first
    codes = [event.confirmation_code for event in group if event.confirmation_code]
    if leading.confirmation_code:
        codes.insert(0, leading.confirmation_code)
    return FeedEvent(
        uid=first.uid,
        checkin=first.checkin,
        checkout=max(event.checkout for event in group),
        summary=leading.summary,
        is_block=not stays,
        confirmation_code=codes[0] if codes else None,
        description=leading.description,
        status=leading.status,
    )


def build_calendar(events, prodid, name, dtstamp=None):
    """Write AirDoo's own feed: one all-day event per occupied range.

    Only what the caller passes goes out: a UID, the dates and a summary,
    which should be generic ("Reserved", "Not available"). No guest, price or
    contact travels in the feed.

    :param events: the :class:`ExportEvent` values to publish
    :param str prodid: the PRODID of the calendar
    :param str name: the calendar's name, as X-WR-CALNAME
    :param datetime dtstamp: the DTSTAMP of every event; now (UTC) by default
    :rtype: bytes
    :raise ValueError: when an event's checkout is not after its checkin
    """
    stamp = (
        (dtstamp or datetime.now(timezone.utc))
        .astimezone(timezone.utc)
        .replace(microsecond=0)
    )
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for export in sorted(events, key=lambda event: (event.checkin, event.uid)):
        # A datetime would be written as DATE-TIME: keep the calendar date only.
        checkin, checkout = _day(export.checkin), _day(export.checkout)
        if checkout <= checkin:
            raise ValueError(
                f"Event {export.uid}: checkout {checkout} is not after "
                f"checkin {checkin}."
            )
        event = Event()
        event.add("uid", export.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", checkin)
        event.add("dtend", checkout)
        event.add("summary", export.summary)
        calendar.add_component(event)
    return calendar.to_ical()
