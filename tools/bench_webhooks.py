"""Benchmark AirDoo's webhook routes against a separately started Odoo.

Serves a copy of the prepared template database from its own Odoo process
(threaded, like the black-box tests) and measures, in one run, requests per
second and latency of:

- ``GET /web/health``: a bare Odoo route, the baseline;
- ``GET /airdoo/webhook/test``: AirDoo's pipeline with a delivery log write;
- ``POST /airdoo/webhook/update``: signed updates that change a booking;
- the same delivery sent again and again: replays.

Absolute figures move with the machine; the ratios to the baseline are what
to compare. Run it through ``tools/dev bench``.
"""

import argparse
import hashlib
import hmac
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.odoo_server import OdooServer, copy_template, drop_database  # noqa: E402

BENCH_DB = "airdoo_bench_webhooks"
SECRET = "bench-" + "s" * 58


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario")
    parser.add_argument("--clients", type=int, default=8, help="parallel clients")
    parser.add_argument("--max-requests", type=int, default=5000, help="per scenario")
    return parser.parse_args()


def load(send, seconds, clients, max_requests):
    """Call ``send(index)`` from ``clients`` threads until time or count runs out."""
    counter = itertools.count()
    deadline = time.monotonic() + seconds
    latencies, statuses = [], []
    lock = threading.Lock()

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            index = next(counter)
            if index >= max_requests:
                return
            started = time.perf_counter()
            status = send(session, index)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(status)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _i in range(clients):
            pool.submit(client)
    duration = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / duration,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0,
        "statuses": sorted(set(statuses)),
    }


def signed_post(session, url, payload):
    body = json.dumps(payload, separators=(",", ":")).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = session.post(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Odoo-Signature": "sha256=" + signature,
        },
        timeout=30,
    )
    return response.status_code


def main():
    args = parse_args()
    log_path = Path(tempfile.mkdtemp()) / "odoo.log"
    copy_template(BENCH_DB)
    server = OdooServer(BENCH_DB, log_path, extra_args=["--log-level=warn"]).start()
    try:
        server.rpc("ir.config_parameter", "set_param", "airdoo.webhook_secret", SECRET)
        accommodation = server.rpc(
            "airdoo.accommodation", "create", {"name": "Webhook benchmark"}
        )
        start = date.today() + timedelta(days=30)
        booking_ids = server.rpc(
            "airdoo.booking",
            "create",
            [
                {
                    "accommodation_id": accommodation,
                    "checkin_date": (start + timedelta(days=3 * i)).isoformat(),
                    "checkout_date": (start + timedelta(days=3 * i + 2)).isoformat(),
                    "state": "confirmed",
                }
                for i in range(200)
            ],
        )
        base = server.base_url
        replayed = {
            "event_type": "modified",
            "booking_id": booking_ids[0],
            "new_data": {"notes": "replayed"},
        }

        def health(session, _index):
            return session.get(f"{base}/web/health", timeout=30).status_code

        def test_route(session, _index):
            return session.get(f"{base}/airdoo/webhook/test", timeout=30).status_code

        def update(session, index):
            payload = {
                "event_type": "modified",
                "booking_id": booking_ids[index % len(booking_ids)],
                "new_data": {"notes": f"benchmark change {index}"},
            }
            return signed_post(session, f"{base}/airdoo/webhook/update", payload)

        def replay(session, _index):
            return signed_post(session, f"{base}/airdoo/webhook/update", replayed)

        scenarios = [
            ("GET /web/health (bare Odoo route)", health),
            ("GET /airdoo/webhook/test", test_route),
            ("POST /airdoo/webhook/update, each a change", update),
            ("POST /airdoo/webhook/update, replays", replay),
        ]
        results = []
        for label, send in scenarios:
            # one request first, so that no scenario pays for warming up
            send(requests.Session(), 0)
            figures = load(send, args.seconds, args.clients, args.max_requests)
            results.append((label, figures))
    finally:
        server.stop()
        drop_database(BENCH_DB)

    baseline = results[0][1]["per_second"]
    print()
    print(
        f"{args.clients} parallel clients, {args.seconds:g} s per scenario, "
        "threaded Odoo server"
    )
    print()
    print(
        "| scenario | requests | req/s | vs bare route | p50 ms | p95 ms | statuses |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, figures in results:
        print(
            f"| {label} | {figures['requests']} | {figures['per_second']:.1f} "
            f"| {figures['per_second'] / baseline:.2f} | {figures['p50_ms']:.0f} "
            f"| {figures['p95_ms']:.0f} "
            f"| {', '.join(str(s) for s in figures['statuses'])} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
