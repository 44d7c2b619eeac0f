"""Two transactions booking the same nights at once: at most one commits.

The overlap rule is kept by PostgreSQL, so these tests go around the ORM's
own check on purpose, with real concurrent transactions.
"""

import threading
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import psycopg2
import pytest

from .odoo_server import pg_connection

INSERT_BOOKING = """
    INSERT INTO airdoo_booking (name, accommodation_id, company_id, currency_id,
        source, booking_type, state, checkin_date, checkout_date,
        adults, children, babies, guest_count)
    SELECT %(name)s, a.id, a.company_id, c.currency_id, 'manual', 'stay', 'confirmed',
        %(checkin)s, %(checkout)s, 1, 0, 0, 1
    FROM airdoo_accommodation a JOIN res_company c ON c.id = a.company_id
    WHERE a.id = %(accommodation)s
"""


def _values(name, accommodation, checkin, checkout):
    return {
        "name": name,
        "accommodation": accommodation,
        "checkin": checkin,
        "checkout": checkout,
    }


def _count_bookings(cr, accommodation):
    cr.execute(
        "SELECT count(*) FROM airdoo_booking "
        "WHERE accommodation_id = %s AND state != 'cancelled'",
        (accommodation,),
    )
    return cr.fetchone()[0]


@pytest.mark.parametrize("first_transaction_ends_with", ["commit", "rollback"])
def test_second_transaction_waits_and_fails_only_if_first_commits(
    odoo_server, accommodation, first_transaction_ends_with
):
    start = date.today() + timedelta(days=200)
    outcome = {}

    with (
        pg_connection(odoo_server.dbname, autocommit=False) as first,
        pg_connection(odoo_server.dbname, autocommit=False) as second,
    ):
        with first.cursor() as cr:
            cr.execute(
                INSERT_BOOKING,
                _values("T1", accommodation, start, start + timedelta(days=4)),
            )

        def insert_overlapping():
            try:
                with second.cursor() as cr:
                    cr.execute(
                        INSERT_BOOKING,
                        _values(
                            "T2",
                            accommodation,
                            start + timedelta(days=2),
                            start + timedelta(days=6),
                        ),
                    )
                second.commit()
                outcome["second"] = "committed"
            except psycopg2.errors.ExclusionViolation:
                second.rollback()
                outcome["second"] = "refused"

        thread = threading.Thread(target=insert_overlapping)
        thread.start()
        # The second insert must wait on the first transaction, not pass it.
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the overlapping insert did not wait"
        getattr(first, first_transaction_ends_with)()
        thread.join(timeout=10)
        assert not thread.is_alive()

    expected = "refused" if first_transaction_ends_with == "commit" else "committed"
    assert outcome["second"] == expected
    with odoo_server.cursor() as cr:
        assert _count_bookings(cr, accommodation) == 1


def test_parallel_orm_bookings_of_the_same_nights_commit_once(
    odoo_server, accommodation
):
    """Ten clients book the same nights through the ORM at the same time."""
    checkin = date.today() + timedelta(days=300)
    checkout = checkin + timedelta(days=3)

    def create(index):
        try:
            odoo_server.rpc(
                "airdoo.booking",
                "create",
                {
                    "accommodation_id": accommodation,
                    "checkin_date": checkin.isoformat(),
                    "checkout_date": checkout.isoformat(),
                    "state": "confirmed",
                    "notes": f"client {index}",
                },
            )
            return "created"
        except xmlrpc.client.Fault as fault:
            return fault.faultString

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(create, range(10)))

    assert results.count("created") == 1, results
    refusals = [result for result in results if result != "created"]
    for refusal in refusals:
        # A clear message naming the dates, never PostgreSQL's own words.
        assert "overlap" in refusal or "already booked" in refusal, refusal
        assert "violates exclusion constraint" not in refusal
        assert "daterange" not in refusal
    with odoo_server.cursor() as cr:
        assert _count_bookings(cr, accommodation) == 1
