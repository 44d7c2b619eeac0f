"""Reading webhook bodies: JSON objects, then the fields each route takes.

Every refusal is a :class:`WebhookError` that names the field at fault.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date

from .errors import WebhookError, invalid_payload, invalid_value

EVENT_BOOKING_UPDATED = "booking_updated"
EVENT_MODIFIED = "modified"
EVENT_CANCELLED = "cancelled"
EVENT_TYPES = (EVENT_BOOKING_UPDATED, EVENT_MODIFIED, EVENT_CANCELLED)

DATE_KEYS = ("checkin_date", "checkout_date")
COUNT_KEYS = ("guest_count", "adults", "children", "babies")
TEXT_KEYS = ("notes",)
NEW_DATA_KEYS = DATE_KEYS + COUNT_KEYS + TEXT_KEYS

MAX_GUEST_COUNT = 1000
MAX_TEXT_LENGTH = 10000
MAX_REASON_LENGTH = 1000

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _refuse_constant(name):
    raise ValueError(name)


def parse_json_object(body):
    """Decode a UTF-8 JSON object.

    :param bytes body: the raw body
    :rtype: dict
    """
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WebhookError(
            400, "invalid_json", "The body is not valid UTF-8 JSON."
        ) from None
    if not isinstance(payload, dict):
        raise WebhookError(
            400, "invalid_json", "The body must be a JSON object ({...})."
        )
    return payload


def is_integer(value):
    # JSON true/false decode to bool, a subclass of int: not a number here.
    return isinstance(value, int) and not isinstance(value, bool)


def require_id(payload, name):
    if name not in payload or payload[name] is None:
        raise invalid_payload(f"The field '{name}' is required.")
    value = payload[name]
    if not is_integer(value) or value <= 0:
        raise invalid_payload(f"The field '{name}' must be a positive integer.")
    return value


def optional_string(payload, name, max_length):
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_payload(f"The field '{name}' must be a string.")
    if len(value) > max_length:
        raise invalid_value(
            f"The field '{name}' is longer than {max_length} characters."
        )
    return value


def parse_date(name, value):
    if not isinstance(value, str):
        raise invalid_payload(f"'{name}' must be a string in the form YYYY-MM-DD.")
    if not _DATE_RE.match(value):
        raise invalid_value(f"'{name}' must be a date in the form YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid_value(f"'{name}' is not a real date: {value}.") from None


@dataclass(frozen=True)
class BookingUpdate:
    """A valid body of the update route."""

    event_type: str
    booking_id: int
    new_data: dict = field(default_factory=dict)
    reason: str | None = None


def parse_new_data(raw):
    """Check the ``new_data`` object and convert its values.

    :return: a dict with dates as :class:`date` and counts as int
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise invalid_payload("The field 'new_data' must be an object.")
    unknown = sorted(set(raw) - set(NEW_DATA_KEYS))
    if unknown:
        raise invalid_value(
            "Unknown key(s) in 'new_data': {}. Accepted keys: {}.".format(
                ", ".join(unknown), ", ".join(NEW_DATA_KEYS)
            )
        )
    values = {}
    for name, value in raw.items():
        if name in DATE_KEYS:
            values[name] = parse_date(name, value)
        elif name in COUNT_KEYS:
            if not is_integer(value):
                raise invalid_payload(f"'{name}' must be an integer.")
            if not 0 <= value <= MAX_GUEST_COUNT:
                raise invalid_value(
                    f"'{name}' must be between 0 and {MAX_GUEST_COUNT}."
                )
            values[name] = value
        else:
            if value is not None and not isinstance(value, str):
                raise invalid_payload(f"'{name}' must be a string or null.")
            if value and len(value) > MAX_TEXT_LENGTH:
                raise invalid_value(
                    f"'{name}' is longer than {MAX_TEXT_LENGTH} characters."
                )
            values[name] = value or False
    checkin, checkout = values.get("checkin_date"), values.get("checkout_date")
    if checkin and checkout and checkout <= checkin:
        raise invalid_value("'checkout_date' must be after 'checkin_date'.")
    return values


def parse_booking_update(payload):
    """Validate the body of the update route.

    :param dict payload: the decoded JSON object
    :rtype: BookingUpdate
    """
    if "event_type" not in payload or payload["event_type"] is None:
        raise invalid_payload("The field 'event_type' is required.")
    event_type = payload["event_type"]
    if not isinstance(event_type, str):
        raise invalid_payload("The field 'event_type' must be a string.")
    if event_type not in EVENT_TYPES:
        raise WebhookError(
            400,
            "unknown_event_type",
            "Unknown event_type '{}'. Accepted: {}.".format(
                event_type[:50], ", ".join(EVENT_TYPES)
            ),
        )
    booking_id = require_id(payload, "booking_id")
    reason = optional_string(payload, "reason", MAX_REASON_LENGTH)
    new_data = parse_new_data(payload.get("new_data"))
    return BookingUpdate(event_type, booking_id, new_data, reason)


def check_timestamp_field(payload):
    """Return the payload's timestamp string, or None when absent."""
    value = payload.get("timestamp")
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_payload(
            "The field 'timestamp' must be an ISO 8601 string, "
            "e.g. 2026-03-15T15:00:00Z."
        )
    return value


CALENDAR_SYNC_ACTIONS = ("sync",)


@dataclass(frozen=True)
class CalendarSyncRequest:
    """A valid body of the calendar_sync route."""

    accommodation_id: int
    action: str


def parse_calendar_sync(payload):
    """Validate the body of the calendar_sync route.

    :param dict payload: the decoded JSON object
    :rtype: CalendarSyncRequest
    """
    accommodation_id = require_id(payload, "accommodation_id")
    action = payload.get("action")
    if action is None:
        raise invalid_payload("The field 'action' is required.")
    if not isinstance(action, str):
        raise invalid_payload("The field 'action' must be a string.")
    if action not in CALENDAR_SYNC_ACTIONS:
        raise invalid_payload(
            "Unknown action '{}'. Accepted: {}.".format(
                action[:50], ", ".join(CALENDAR_SYNC_ACTIONS)
            )
        )
    return CalendarSyncRequest(accommodation_id, action)
