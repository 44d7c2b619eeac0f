from datetime import date, timedelta

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_date, mute_logger

from .common import AirdooCase


@tagged("post_install", "-at_install")
class TestBookingRules(AirdooCase):
    def test_nights_and_last_night(self):
        booking = self.book(0, 3)
        self.assertEqual(booking.nights, 3)
        self.assertEqual(booking.last_night_date, self.day(2))
        booking.checkout_date = self.day(5)
        self.assertEqual(booking.nights, 5)

    def test_reference_from_sequence(self):
        first, second = self.book(0, 2), self.book(2, 4)
        self.assertTrue(first.name.startswith("BK"))
        self.assertNotEqual(first.name, second.name)

    @mute_logger("odoo.sql_db")
    def test_checkout_must_follow_checkin(self):
        for checkout in (0, -1):
            with self.subTest(checkout=checkout):
                with self.assertRaises(psycopg2.errors.CheckViolation):
                    with self.env.cr.savepoint():
                        self.book(0, checkout)

    def test_overlap_names_the_clashing_dates(self):
        existing = self.book(0, 4)
        with self.assertRaises(ValidationError) as caught:
            self.book(2, 6)
        message = str(caught.exception)
        self.assertIn(format_date(self.env, existing.checkin_date), message)
        self.assertIn(format_date(self.env, existing.checkout_date), message)
        self.assertIn(existing.name, message)
        self.assertNotIn("airdoo_booking", message)

    def test_overlap_variants_refused(self):
        self.book(2, 6)
        # inside, around, same dates, touching only the first night
        for checkin, checkout in ((3, 4), (0, 8), (2, 6), (5, 9), (0, 3)):
            with self.subTest(checkin=checkin, checkout=checkout):
                with self.assertRaises(ValidationError):
                    self.book(checkin, checkout)

    def test_same_day_turnover_allowed(self):
        self.book(0, 3)
        after = self.book(3, 5)
        before = self.book(-2, 0)
        self.assertEqual((before | after).mapped("state"), ["confirmed"] * 2)

    def test_other_accommodation_does_not_clash(self):
        other = self.env["airdoo.accommodation"].create({"name": "Other"})
        self.book(0, 4)
        self.assertTrue(self.book(0, 4, accommodation=other))

    def test_cancelled_booking_frees_its_nights(self):
        first = self.book(0, 4)
        first.action_cancel()
        second = self.book(1, 3)
        self.assertEqual(second.state, "confirmed")
        with self.assertRaises(ValidationError):
            first.action_reset_to_draft()

    def test_moving_onto_another_booking_refused(self):
        self.book(0, 4)
        movable = self.book(10, 12)
        with self.assertRaises(ValidationError):
            movable.write({"checkin_date": self.day(3), "checkout_date": self.day(5)})

    @mute_logger("odoo.sql_db")
    def test_database_refuses_overlap_without_the_orm_check(self):
        """The exclusion constraint holds even when Python checks are
        bypassed, which is what happens between concurrent transactions."""
        existing = self.book(0, 4)
        self.env.flush_all()
        with self.assertRaises(psycopg2.errors.ExclusionViolation) as caught:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    """
                    INSERT INTO airdoo_booking (name, accommodation_id, company_id,
                        currency_id, source, booking_type, state, checkin_date,
                        checkout_date, adults, children, babies, guest_count)
                    SELECT 'RAW', accommodation_id, company_id, currency_id,
                        'manual', 'stay', 'confirmed', %s, %s, 1, 0, 0, 1
                    FROM airdoo_booking WHERE id = %s
                    """,
                    (self.day(3), self.day(6), existing.id),
                )
        message = self.env["airdoo.booking"]._sql_error_to_message(caught.exception)
        self.assertIn(format_date(self.env, existing.checkin_date), message)
        self.assertIn(format_date(self.env, existing.checkout_date), message)
        self.assertNotIn("EXCLUDE", message)
        self.assertNotIn("daterange", message)

    @mute_logger("odoo.sql_db")
    def test_guest_counts_not_negative(self):
        for field in ("adults", "children", "babies"):
            with self.subTest(field=field):
                with self.assertRaises(psycopg2.errors.CheckViolation):
                    with self.env.cr.savepoint():
                        self.book(0, 2, **{field: -1})

    def test_guest_count_within_max_guests(self):
        booking = self.book(0, 2, adults=2, children=2, babies=1)
        self.assertEqual(booking.guest_count, 4)
        with self.assertRaises(ValidationError):
            self.book(5, 7, adults=4, children=1)
        with self.assertRaises(ValidationError):
            booking.guest_count = 5

    def test_no_maximum_when_max_guests_unset(self):
        self.accommodation.max_guests = 0
        booking = self.book(0, 2, adults=12)
        self.assertEqual(booking.guest_count, 12)

    def test_lowering_max_guests_below_existing_bookings_refused(self):
        self.book(0, 2, adults=4)
        with self.assertRaises(ValidationError):
            self.accommodation.max_guests = 3

    def test_min_stay_applies_to_direct_and_manual_only(self):
        self.accommodation.min_stay = 3
        with self.assertRaises(ValidationError):
            self.book(0, 2, source="direct")
        with self.assertRaises(ValidationError):
            self.book(0, 2, source="manual")
        channel = self.book(0, 2, source="airbnb")
        self.assertEqual(channel.nights, 2)

    def test_only_draft_or_cancelled_can_be_deleted(self):
        booking = self.book(0, 2)
        with self.assertRaises(UserError):
            booking.unlink()
        booking.action_cancel()
        booking.unlink()
        self.assertFalse(booking.exists())

    def test_company_follows_accommodation(self):
        booking = self.book(0, 2)
        self.assertEqual(booking.company_id, self.accommodation.company_id)

    def test_accommodation_counts(self):
        self.book(0, 2)
        self.book(2, 4).action_cancel()
        self.assertEqual(self.accommodation.booking_count, 2)
        self.assertEqual(self.accommodation.upcoming_booking_count, 1)


@tagged("post_install", "-at_install")
class TestCompletionCron(AirdooCase):
    def test_cron_completes_only_past_stays(self):
        today = date.today()
        Booking = self.env["airdoo.booking"]

        def stay(start, end, state="confirmed"):
            return Booking.create(
                {
                    "accommodation_id": self.accommodation.id,
                    "checkin_date": today + timedelta(days=start),
                    "checkout_date": today + timedelta(days=end),
                    "state": state,
                }
            )

        past = stay(-10, -7)
        past_modified = stay(-7, -5, state="modified")
        past_cancelled = stay(-5, -2, state="cancelled")
        leaving_today = stay(-2, 0)
        ongoing = stay(0, 3)
        Booking._cron_mark_completed()
        self.assertEqual(past.state, "completed")
        self.assertEqual(past_modified.state, "completed")
        self.assertEqual(past_cancelled.state, "cancelled")
        self.assertEqual(leaving_today.state, "confirmed")
        self.assertEqual(ongoing.state, "confirmed")

    def test_cron_record_exists_and_runs(self):
        cron = self.env.ref("airdoo.ir_cron_airdoo_booking_complete")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        cron.method_direct_trigger()
