import gzip
import os
import socket
import threading
import time
import unittest
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

from odoo.addons.airdoo.lib import http_client, ical
from odoo.addons.airdoo.tests.ical_factory import make_feed

FIXTURES = Path(__file__).parent / "fixtures" / "ical"

FEED = make_feed(
    [
        ("stay@example.com", date(2031, 7, 5), date(2031, 7, 8), "Reserved", None),
        ("block@example.com", date(2031, 7, 8), date(2031, 7, 9), "Blocked", None),
    ]
)
ETAG = '"feed-v1"'
LAST_MODIFIED = "Wed, 01 Jan 2031 08:00:00 GMT"
# Seconds the slow endpoints wait, against the much shorter read timeout the
# tests pass.
SLOW_DELAY = 1.0
SHORT_TIMEOUT = (1, 0.2)
SMALL_CAP = 64 * 1024
OVERSIZED = b"X" * (SMALL_CAP + 1)


class FeedHandler(BaseHTTPRequestHandler):
    """Serves one behaviour per path, the way calendar hosts misbehave."""

    def log_message(self, *args):
        # Keep the test output clean of access logs.
        pass

    def do_GET(self):
        self.server.requests_seen.append((self.path, dict(self.headers)))
        path = self.path.split("?", 1)[0]
        name = path.strip("/").replace("-", "_").replace(".", "_")
        route = getattr(self, "serve_" + name, None)
        if path.startswith("/hop/"):
            self.serve_hop(int(path.rsplit("/", 1)[1]))
        elif route is None:
            self.send_body(404, b"Not found", "text/plain")
        else:
            route()

    def send_body(self, status, body, content_type, headers=None, length=True):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve_feed_ics(self):
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return
        self.send_body(
            200,
            FEED,
            "text/calendar; charset=utf-8",
            {"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
        )

    def serve_error(self):
        self.send_body(500, b"Internal error", "text/plain")

    def serve_forbidden(self):
        self.send_body(403, b"Forbidden", "text/plain")

    def serve_page_html(self):
        page = (FIXTURES / "not_a_calendar.html").read_bytes()
        self.send_body(200, page, "text/html; charset=utf-8")

    def serve_slow(self):
        time.sleep(SLOW_DELAY)
        self.send_body(200, FEED, "text/calendar")

    def serve_slow_body(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED[:100])
        self.wfile.flush()
        time.sleep(SLOW_DELAY)
        self.wfile.write(FEED[100:])

    def serve_large(self):
        self.send_body(200, OVERSIZED, "text/calendar")

    def serve_large_unannounced(self):
        # HTTP/1.0 without Content-Length: the body ends when the socket closes.
        self.send_body(200, OVERSIZED, "text/calendar", length=False)

    def serve_gzip(self):
        self.send_body(
            200, gzip.compress(FEED), "text/calendar", {"Content-Encoding": "gzip"}
        )

    def serve_gzip_bomb(self):
        # Small on the wire, over the cap once decompressed.
        compressed = gzip.compress(b"\r\n" * SMALL_CAP)
        self.send_body(200, compressed, "text/calendar", {"Content-Encoding": "gzip"})

    def serve_cut_short(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED[:200])

    def serve_loop(self):
        self.send_body(302, b"", "text/plain", {"Location": "/loop"})

    def serve_hop(self, remaining):
        if remaining:
            location = f"/hop/{remaining - 1}"
            self.send_body(302, b"", "text/plain", {"Location": location})
        else:
            self.serve_feed_ics()

    def serve_to_ftp(self):
        self.send_body(301, b"", "text/plain", {"Location": "ftp://127.0.0.1/x.ics"})


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (timeout tests) breaks the pipe: expected.
        pass


class TestFetch(unittest.TestCase):
    """fetch() against a real HTTP server on the loopback interface."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A proxy set in the environment must not catch loopback traffic.
        proxy_free = mock.patch.dict(
            os.environ, {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
        )
        proxy_free.start()
        cls.addClassCleanup(proxy_free.stop)
        cls.server = QuietServer(("127.0.0.1", 0), FeedHandler)
        cls.server.requests_seen = []
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()

        def stop():
            cls.server.shutdown()
            cls.server.server_close()
            thread.join(5)

        cls.addClassCleanup(stop)

    def setUp(self):
        super().setUp()
        self.server.requests_seen.clear()

    def assert_fetch_error(self, code, path, **kwargs):
        with self.assertRaises(http_client.FetchError) as caught:
            http_client.fetch(self.base + path, **kwargs)
        error = caught.exception
        self.assertEqual(error.code, code, error.message)
        self.assertNotIn("Traceback", error.message)
        return error

    def test_ok_with_validators(self):
        result = http_client.fetch(self.base + "/feed.ics")
        self.assertEqual(result.status, 200)
        self.assertFalse(result.not_modified)
        self.assertEqual(result.body, FEED)
        self.assertEqual(result.etag, ETAG)
        self.assertEqual(result.last_modified, LAST_MODIFIED)
        self.assertTrue(result.content_type.startswith("text/calendar"))
        self.assertEqual(len(ical.parse_feed(result.body)), 2)
        _path, headers = self.server.requests_seen[0]
        self.assertEqual(headers["User-Agent"], http_client.USER_AGENT)
        self.assertNotIn("If-None-Match", headers)

    def test_not_modified(self):
        result = http_client.fetch(
            self.base + "/feed.ics", etag=ETAG, last_modified=LAST_MODIFIED
        )
        self.assertEqual(result.status, 304)
        self.assertTrue(result.not_modified)
        self.assertIsNone(result.body)
        self.assertEqual(result.etag, ETAG)
        # The server did not repeat Last-Modified: the one sent is kept.
        self.assertEqual(result.last_modified, LAST_MODIFIED)
        _path, headers = self.server.requests_seen[0]
        self.assertEqual(headers["If-None-Match"], ETAG)
        self.assertEqual(headers["If-Modified-Since"], LAST_MODIFIED)

    def test_stale_etag_gets_the_body(self):
        result = http_client.fetch(self.base + "/feed.ics", etag='"feed-v0"')
        self.assertEqual(result.status, 200)
        self.assertEqual(result.body, FEED)

    def test_http_errors_carry_the_status(self):
        for path, status, reason in (
            ("/error", 500, "Internal Server Error"),
            ("/forbidden", 403, "Forbidden"),
            ("/missing.ics", 404, "Not Found"),
        ):
            with self.subTest(path=path):
                error = self.assert_fetch_error(http_client.ERROR_HTTP, path)
                self.assertEqual(error.status, status)
                self.assertIn(f"answered {status} {reason}", error.message)

    def test_html_page_is_fetched_then_refused_by_the_parser(self):
        result = http_client.fetch(self.base + "/page.html")
        self.assertEqual(result.status, 200)
        self.assertTrue(result.content_type.startswith("text/html"))
        with self.assertRaises(ical.FeedError) as caught:
            ical.parse_feed(result.body)
        self.assertEqual(caught.exception.code, ical.ERROR_NOT_A_CALENDAR)

    def test_slow_answer_times_out(self):
        began = time.monotonic()
        error = self.assert_fetch_error(
            http_client.ERROR_TIMEOUT, "/slow", timeout=SHORT_TIMEOUT
        )
        self.assertLess(time.monotonic() - began, SLOW_DELAY)
        self.assertIn("127.0.0.1", error.message)

    def test_body_stalling_midway_times_out(self):
        self.assert_fetch_error(
            http_client.ERROR_TIMEOUT, "/slow-body", timeout=SHORT_TIMEOUT
        )

    def test_total_timeout(self):
        self.assert_fetch_error(
            http_client.ERROR_TIMEOUT, "/slow-body", timeout=5, total_timeout=0.5
        )

    def test_oversized_body_with_content_length(self):
        error = self.assert_fetch_error(
            http_client.ERROR_TOO_LARGE, "/large", max_bytes=SMALL_CAP
        )
        self.assertIn("64 KiB", error.message)

    def test_oversized_body_without_content_length(self):
        self.assert_fetch_error(
            http_client.ERROR_TOO_LARGE, "/large-unannounced", max_bytes=SMALL_CAP
        )

    def test_body_at_the_cap_is_accepted(self):
        result = http_client.fetch(
            self.base + "/large-unannounced", max_bytes=len(OVERSIZED)
        )
        self.assertEqual(result.body, OVERSIZED)

    def test_gzip_is_decompressed(self):
        result = http_client.fetch(self.base + "/gzip")
        self.assertEqual(result.body, FEED)
        _path, headers = self.server.requests_seen[0]
        self.assertIn("gzip", headers["Accept-Encoding"])

    def test_decompressed_bytes_count_against_the_cap(self):
        self.assert_fetch_error(
            http_client.ERROR_TOO_LARGE, "/gzip-bomb", max_bytes=SMALL_CAP
        )

    def test_body_cut_short(self):
        self.assert_fetch_error(http_client.ERROR_INCOMPLETE, "/cut-short")

    def test_redirects(self):
        result = http_client.fetch(self.base + "/hop/5")
        self.assertEqual(result.body, FEED)
        self.assert_fetch_error(http_client.ERROR_TOO_MANY_REDIRECTS, "/hop/6")
        self.assert_fetch_error(http_client.ERROR_TOO_MANY_REDIRECTS, "/loop")

    def test_redirect_to_another_scheme(self):
        self.assert_fetch_error(http_client.ERROR_INVALID_URL, "/to-ftp")

    def test_invalid_urls(self):
        for url in (
            "",
            None,
            "calendar.ics",
            "ftp://127.0.0.1/calendar.ics",
            "file:///etc/hosts",
            "https://",
            "javascript:alert(1)",
        ):
            with self.subTest(url=url):
                with self.assertRaises(http_client.FetchError) as caught:
                    http_client.fetch(url)
                self.assertEqual(caught.exception.code, http_client.ERROR_INVALID_URL)
        self.assertEqual(self.server.requests_seen, [])

    def test_connection_refused(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        with self.assertRaises(http_client.FetchError) as caught:
            http_client.fetch(f"http://127.0.0.1:{free_port}/feed.ics", timeout=2)
        self.assertEqual(caught.exception.code, http_client.ERROR_CONNECTION)

    def test_tls_failure(self):
        # TLS spoken to a plain HTTP server: the handshake cannot succeed.
        url = self.base.replace("http://", "https://") + "/feed.ics"
        with self.assertRaises(http_client.FetchError) as caught:
            http_client.fetch(url, timeout=2)
        self.assertEqual(caught.exception.code, http_client.ERROR_SSL)

    def test_secret_token_stays_out_of_messages_and_logs(self):
        token = "s3cr3t-t0ken"
        with self.assertLogs(http_client.__name__, "DEBUG") as logs:
            http_client.fetch(self.base + f"/feed.ics?s={token}")
            with self.assertRaises(http_client.FetchError) as caught:
                http_client.fetch(self.base + f"/forbidden?s={token}")
        self.assertNotIn(token, caught.exception.message)
        output = "\n".join(logs.output)
        self.assertNotIn(token, output)
        self.assertNotIn("BEGIN:VCALENDAR", output)
