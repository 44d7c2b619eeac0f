"""A real HTTP server on 127.0.0.1 that plays the channels' calendar hosts."""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class FeedServer:
    """Serve canned answers by path; record the requests received.

    ``server.answer("/airbnb.ics", body=...)`` sets what a path returns. An
    answer with an ``ETag`` header is answered 304 when the client sends the
    same ``If-None-Match``.
    """

    def __init__(self):
        self.answers = {}
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                answer = server.answers.get(self.path, Answer(404, b"not found"))
                if answer.delay:
                    time.sleep(answer.delay)
                etag = answer.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                headers = {
                    "Content-Type": "text/calendar; charset=utf-8",
                    **answer.headers,
                }
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                # A client that gave up (a timeout test) closes early.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def answer(self, path, body=b"", status=200, headers=None, delay=0.0):
        self.answers[path] = Answer(status, body, headers or {}, delay)
        return self.url(path)
