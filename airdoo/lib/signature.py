"""Signing and verifying webhook bodies.

A delivery is signed with ``X-Odoo-Signature: sha256=<hex>``, the hex digest
of HMAC-SHA256 keyed with the shared secret over the raw body bytes, exactly
as they travel. Nothing here parses the body.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

PREFIX = "sha256="
HEX_DIGITS = frozenset("0123456789abcdef")
DIGEST_LENGTH = 64

# Signature states, as the delivery log records them.
VALID = "valid"
INVALID = "invalid"
MISSING = "missing"

# Why a signature was refused.
REASON_MISSING = "missing_header"
REASON_BAD_PREFIX = "bad_prefix"
REASON_WRONG_LENGTH = "wrong_length"
REASON_NOT_HEX = "not_hex"
REASON_MISMATCH = "mismatch"

REASON_MESSAGES = {
    REASON_MISSING: "The X-Odoo-Signature header is missing. Sign the raw body "
    "with HMAC-SHA256 and send 'sha256=<hex digest>'.",
    REASON_BAD_PREFIX: "The X-Odoo-Signature header must start with 'sha256='.",
    REASON_WRONG_LENGTH: "The signature after 'sha256=' must be 64 hexadecimal "
    "characters (an HMAC-SHA256 hex digest).",
    REASON_NOT_HEX: "The signature after 'sha256=' must contain only hexadecimal "
    "characters.",
    REASON_MISMATCH: "The signature does not match the body. Sign the exact bytes "
    "you send, with the secret shown in AirDoo's settings.",
}


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of a signature check."""

    status: str
    reason: str | None = None
    secret_index: int | None = None

    @property
    def ok(self):
        return self.status == VALID

    @property
    def message(self):
        if self.ok:
            if self.secret_index:
                return (
                    "The signature is valid, made with the previous secret: "
                    "switch to the new one before the grace period ends."
                )
            return "The signature is valid."
        return REASON_MESSAGES[self.reason]


def sign(secret, body):
    """Return the header value that signs ``body`` with ``secret``.

    :param bytes secret: the shared secret
    :param bytes body: the raw body
    """
    digest = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(body, header, secrets):
    """Check a signature header against the raw body.

    Each candidate secret is compared in constant time.

    :param bytes body: the raw request body
    :param str header: the ``X-Odoo-Signature`` value, or None
    :param secrets: the accepted secrets (bytes), current one first
    :rtype: SignatureCheck
    """
    if not header:
        return SignatureCheck(MISSING, REASON_MISSING)
    header = header.strip()
    if header[: len(PREFIX)].lower() != PREFIX:
        return SignatureCheck(INVALID, REASON_BAD_PREFIX)
    received = header[len(PREFIX) :].lower()
    if len(received) != DIGEST_LENGTH:
        return SignatureCheck(INVALID, REASON_WRONG_LENGTH)
    if not HEX_DIGITS.issuperset(received):
        return SignatureCheck(INVALID, REASON_NOT_HEX)
    received = received.encode()
    matched = None
    for index, secret in enumerate(secrets):
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode()
        if hmac.compare_digest(expected, received) and matched is None:
            matched = index
    if matched is None:
        return SignatureCheck(INVALID, REASON_MISMATCH)
    return SignatureCheck(VALID, secret_index=matched)


def parse_timestamp(value):
    """Parse an ISO 8601 timestamp; one without an offset is taken as UTC.

    :rtype: datetime (aware, UTC)
    :raise ValueError: when ``value`` is not an ISO 8601 date and time
    """
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(value)
    # Python before 3.11 does not read a trailing "Z" (JavaScript's
    # toISOString() ends with one).
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def timestamp_skew(value, now):
    """Seconds between a sender's timestamp and ``now``.

    Positive when the timestamp is in the past, negative when in the future.

    :param str value: the ISO 8601 timestamp of the payload
    :param datetime now: the server time, aware
    :raise ValueError: when ``value`` is not an ISO 8601 date and time
    """
    return (now - parse_timestamp(value)).total_seconds()
