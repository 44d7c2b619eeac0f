"""Benchmark AirDoo's calendar sync on generated feeds.

Serves generated iCal feeds from a local HTTP server, syncs them into a
throwaway accommodation of an AirDoo database, and prints how long each sync
took and how many SQL statements it ran. Everything is rolled back at the
end: the database is left as it was.

Run it through ``tools/dev bench``, which prepares the database.
"""

import argparse
import sys
import time
from datetime import date, timedelta


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="odoo.conf to use")
    parser.add_argument("--database", required=True, help="database with AirDoo")
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated event counts (default: 1000,10000)",
    )
    return parser.parse_args()


def generated_events(count, start):
    """``count`` two-night stays and blocks, one free day between them."""
    events = []
    for index in range(count):
        checkin = start + timedelta(days=3 * index)
        summary = "Airbnb (Not available)" if index % 5 == 0 else "Reserved"
        description = (
            ""
            if index % 5 == 0
            else "Reservation URL: https://www.airbnb.com/hosting/reservations/"
            f"details/HM{index:08d}"
        )
        events.append(
            (
                f"bench-{index}@airbnb.com",
                checkin,
                checkin + timedelta(days=2),
                summary,
                description,
            )
        )
    return events


def measure(env, label, action):
    cr = env.cr
    queries_before = cr.sql_log_count
    started = time.perf_counter()
    result = action()
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = cr.sql_log_count - queries_before
    return {"label": label, "seconds": elapsed, "queries": queries, "result": result}


def run(env, sizes):
    from odoo.addons.airdoo.tests.feed_server import FeedServer
    from odoo.addons.airdoo.tests.ical_factory import make_feed

    server = FeedServer().start()
    rows = []
    try:
        for size in sizes:
            start = date.today() + timedelta(days=1)
            body = make_feed(generated_events(size, start))
            path = f"/bench-{size}.ics"
            server.answer(path, body)
            accommodation = env["airdoo.accommodation"].create(
                {"name": f"Benchmark {size}"}
            )
            feed = env["airdoo.calendar.feed"].create(
                {
                    "accommodation_id": accommodation.id,
                    "name": "Airbnb",
                    "channel": "airbnb",
                    "url": server.url(path),
                }
            )
            first = measure(
                env, f"{size} events, first sync", lambda f=feed: f._sync()[f]
            )
            imported = env["airdoo.booking"].search_count([("feed_id", "=", feed.id)])
            assert imported == size, f"imported {imported} of {size}"
            unchanged = measure(
                env, f"{size} events, unchanged", lambda f=feed: f._sync()[f]
            )
            # Same calendar, but the channel sends it again in full (no ETag):
            # one event moved, one cancelled.
            changed_events = generated_events(size, start)
            moved = changed_events[1]
            changed_events[1] = (
                moved[0],
                moved[1] + timedelta(days=1),
                moved[2] + timedelta(days=1),
                moved[3],
                moved[4],
            )
            del changed_events[2]
            server.answer(path, make_feed(changed_events))
            changed = measure(
                env, f"{size} events, 2 changed", lambda f=feed: f._sync()[f]
            )
            rows.append((size, len(body), first, unchanged, changed))
    finally:
        server.stop()
    return rows


def main():
    args = parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            rows = run(env, sizes)
        finally:
            cr.rollback()

    print()
    print(
        "| events | feed size | sync | time (s) | SQL statements | statements/event |"
    )
    print("|---:|---:|---|---:|---:|---:|")
    for size, body_size, *measures in rows:
        for figure in measures:
            sync = f"{figure['label'].split(', ')[1]} ({figure['result']})"
            print(
                f"| {size:,} | {body_size / 1024:,.0f} KiB | {sync} "
                f"| {figure['seconds']:.2f} | {figure['queries']:,} "
                f"| {figure['queries'] / size:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
