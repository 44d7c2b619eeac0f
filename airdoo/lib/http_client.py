"""Downloading calendar feeds: the one place where AirDoo calls out over HTTP.

:func:`fetch` makes a conditional GET with verified TLS, a bounded number of
redirects, timeouts and a size cap, and turns every failure into a
:class:`FetchError` whose message a host can act on. Feed addresses carry
secret tokens, so only their host name is ever logged or shown.
"""

import logging
import time
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ReadTimeoutError

_logger = logging.getLogger(__name__)

USER_AGENT = "AirDoo-Calendar-Sync/1.0 (+Odoo 19)"
# Seconds to connect, and between two reads. One number rather than a
# (connect, read) pair, which is also what Odoo's test harness expects when it
# inspects outgoing requests.
DEFAULT_TIMEOUT = 20
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TOTAL_TIMEOUT = 60
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
# Small chunks bound the memory a compressed body can swell into before the
# size cap is checked.
CHUNK_SIZE = 16 * 1024

# Why a download failed, as the sync log records it.
ERROR_INVALID_URL = "invalid_url"
ERROR_TIMEOUT = "timeout"
ERROR_CONNECTION = "connection_error"
ERROR_SSL = "ssl_error"
ERROR_TOO_MANY_REDIRECTS = "too_many_redirects"
ERROR_TOO_LARGE = "too_large"
ERROR_INCOMPLETE = "incomplete"
ERROR_HTTP = "http_error"


class FetchError(Exception):
    """A download that gave no usable answer.

    :param str code: a stable, machine-readable reason, one of the
        ``ERROR_*`` constants
    :param str message: a sentence for the host; never the full address,
        which holds the feed's secret token
    :param int status: the HTTP status, for ``http_error``
    """

    def __init__(self, code, message, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    """The answer to a feed download: 200 with a body, or 304 without."""

    status: int
    body: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    not_modified: bool


def host_of(url):
    """Return the host name of ``url``, the only part safe to log or show."""
    try:
        return urlsplit(url).hostname or "the calendar server"
    except ValueError:
        return "the calendar server"


def check_url(url):
    """Refuse what is not an absolute http(s) address.

    :raise FetchError: ``invalid_url``
    """
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
        hostname = parts.hostname if parts else None
    except ValueError:
        parts = hostname = None
    if not parts or parts.scheme.lower() not in ALLOWED_SCHEMES or not hostname:
        raise FetchError(
            ERROR_INVALID_URL,
            "The calendar address must be a full web address starting with "
            "https:// (or http://).",
        )


def fetch(
    url,
    *,
    etag=None,
    last_modified=None,
    timeout=DEFAULT_TIMEOUT,
    max_bytes=DEFAULT_MAX_BYTES,
    user_agent=USER_AGENT,
    total_timeout=DEFAULT_TOTAL_TIMEOUT,
):
    """Download a calendar feed.

    A gzip-compressed body is decompressed on the fly, and the decompressed
    bytes count against ``max_bytes``.

    :param str url: the feed's http(s) address
    :param str etag: the ETag of the last download, sent as ``If-None-Match``
    :param str last_modified: the Last-Modified of the last download, sent as
        ``If-Modified-Since``
    :param timeout: seconds to connect and to wait for each read, as
        ``(connect, read)`` or one number for both
    :param int max_bytes: the largest body accepted
    :param str user_agent: the User-Agent header
    :param float total_timeout: seconds the whole download may take, so that
        a server trickling bytes cannot hold a worker
    :rtype: FetchResult
    :raise FetchError: when no 200 or 304 answer came within the limits
    """
    check_url(url)
    host = host_of(url)
    headers = {"User-Agent": user_agent, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    _logger.debug("Fetching a calendar feed from %s", host)
    started = time.monotonic()
    with requests.Session() as session:
        session.max_redirects = MAX_REDIRECTS
        try:
            response = session.get(
                url, headers=headers, timeout=timeout, stream=True, verify=True
            )
            with response:
                result = _read_response(
                    response,
                    host,
                    etag,
                    last_modified,
                    max_bytes,
                    started + total_timeout,
                )
        except requests.RequestException as error:
            raise _fetch_error(error, host, timeout) from None
    _logger.debug(
        "Calendar feed from %s: status %s, %s bytes, in %.2fs",
        host,
        result.status,
        len(result.body) if result.body is not None else 0,
        time.monotonic() - started,
    )
    return result


def _read_response(response, host, etag, last_modified, max_bytes, deadline):
    status = response.status_code
    if status == HTTPStatus.NOT_MODIFIED:
        return FetchResult(
            status=status,
            body=None,
            etag=response.headers.get("ETag") or etag,
            last_modified=response.headers.get("Last-Modified") or last_modified,
            content_type=response.headers.get("Content-Type"),
            not_modified=True,
        )
    if status != HTTPStatus.OK:
        raise FetchError(
            ERROR_HTTP,
            f"{host} answered {status} {_reason(response)} instead of the calendar.",
            status=status,
        )
    declared_length = _content_length(response)
    if declared_length is not None and declared_length > max_bytes:
        raise _too_large(host, max_bytes)
    chunks = []
    received = 0
    for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(host, max_bytes)
        if time.monotonic() > deadline:
            raise FetchError(
                ERROR_TIMEOUT,
                f"{host} took too long to send the calendar. The next sync "
                "will try again.",
            )
        chunks.append(chunk)
    # Content-Length counts the bytes on the wire, compressed or not.
    wire_bytes = response.raw.tell() if hasattr(response.raw, "tell") else None
    if None not in (declared_length, wire_bytes) and wire_bytes < declared_length:
        raise FetchError(
            ERROR_INCOMPLETE,
            f"The connection to {host} closed before the whole calendar "
            "arrived. The next sync will try again.",
        )
    return FetchResult(
        status=status,
        body=b"".join(chunks),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        content_type=response.headers.get("Content-Type"),
        not_modified=False,
    )


def _content_length(response):
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _reason(response):
    if response.reason:
        return response.reason
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return ""


def _too_large(host, max_bytes):
    return FetchError(
        ERROR_TOO_LARGE,
        f"The calendar from {host} is larger than {_size(max_bytes)}, more than "
        "a calendar export holds. Check the address.",
    )


def _size(byte_count):
    if byte_count >= 1024 * 1024:
        return f"{byte_count / (1024 * 1024):g} MiB"
    if byte_count >= 1024:
        return f"{byte_count / 1024:g} KiB"
    return f"{byte_count} bytes"


def _timeout_seconds(timeout):
    if isinstance(timeout, tuple):
        return max(value for value in timeout if value is not None)
    return timeout


def _fetch_error(error, host, timeout):
    """Map a requests exception to a :class:`FetchError` a host can act on."""
    # Order matters: SSLError and ConnectTimeout are ConnectionErrors too.
    if isinstance(error, requests.exceptions.SSLError):
        return FetchError(
            ERROR_SSL,
            f"The secure connection to {host} failed: its certificate could "
            "not be verified.",
        )
    if isinstance(error, requests.exceptions.Timeout) or _is_read_timeout(error):
        return FetchError(
            ERROR_TIMEOUT,
            f"{host} did not answer in time (waited {_timeout_seconds(timeout)} s). "
            "The next sync will try again.",
        )
    if isinstance(error, requests.exceptions.TooManyRedirects):
        return FetchError(
            ERROR_TOO_MANY_REDIRECTS,
            f"{host} redirected more than {MAX_REDIRECTS} times. Check the "
            "calendar address.",
        )
    if isinstance(
        error,
        (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ),
    ):
        return FetchError(
            ERROR_INVALID_URL,
            f"The calendar address, or one {host} redirected to, is not a valid "
            "web address.",
        )
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return FetchError(
            ERROR_INCOMPLETE,
            f"The connection to {host} broke before the whole calendar arrived. "
            "The next sync will try again.",
        )
    if isinstance(error, requests.exceptions.ContentDecodingError):
        return FetchError(
            ERROR_CONNECTION,
            f"{host} sent a compressed calendar that could not be decompressed.",
        )
    return FetchError(
        ERROR_CONNECTION,
        f"Could not connect to {host}. Check the address; if it is right, the "
        "next sync will try again.",
    )


def _is_read_timeout(error):
    # A read that times out while the body streams surfaces as a
    # ConnectionError wrapping urllib3's ReadTimeoutError.
    return bool(error.args) and isinstance(error.args[0], ReadTimeoutError)
