from datetime import date, timedelta
from pathlib import Path

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .feed_server import FeedServer
from .ical_factory import make_feed

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
FEED_LOGGER = "odoo.addons.airdoo.models.airdoo_calendar_feed"


def fixture(name):
    return (FIXTURES / name).read_bytes()


@tagged("post_install", "-at_install")
class CalendarSyncCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FeedServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Calendar Manager",
                "login": "calendar_manager",
                "group_ids": [(6, 0, [cls.env.ref("airdoo.group_airdoo_manager").id])],
            }
        )
        cls.accommodation = cls.env["airdoo.accommodation"].create(
            {"name": "Feed Cottage", "manager_id": cls.manager.id}
        )
        cls.today = date.today()

    def day(self, offset):
        return self.today + timedelta(days=offset)

    def make_feed_record(self, path, channel="airbnb", name=None):
        return self.env["airdoo.calendar.feed"].create(
            {
                "accommodation_id": self.accommodation.id,
                "name": name or channel,
                "channel": channel,
                "url": self.server.url(path),
            }
        )

    def serve(self, path, events, **kwargs):
        """Serve a generated feed of (uid, start offset, end offset, summary)."""
        rows = [
            (uid, self.day(start), self.day(end), summary, "")
            for uid, start, end, summary in events
        ]
        return self.server.answer(path, make_feed(rows), **kwargs)

    def bookings(self, feed=None):
        domain = [("accommodation_id", "=", self.accommodation.id)]
        if feed:
            domain.append(("feed_id", "=", feed.id))
        return self.env["airdoo.booking"].search(domain, order="checkin_date, id")

    def active_bookings(self, feed=None):
        return self.bookings(feed).filtered(lambda b: b.state != "cancelled")

    def snapshot(self):
        return self.bookings().read(
            ["checkin_date", "checkout_date", "state", "external_uid", "booking_type"]
        )


class TestImport(CalendarSyncCase):
    def test_airbnb_export_shape(self):
        self.server.answer("/airbnb.ics", fixture("airbnb.ics"))
        feed = self.make_feed_record("/airbnb.ics")
        self.assertEqual(feed._sync()[feed], "ok")
        bookings = self.active_bookings(feed)
        self.assertTrue(bookings)
        self.assertEqual(set(bookings.mapped("source")), {"airbnb"})
        self.assertEqual(set(bookings.mapped("state")), {"confirmed"})
        stays = bookings.filtered(lambda b: b.booking_type == "stay")
        blocks = bookings.filtered(lambda b: b.booking_type == "block")
        self.assertTrue(stays and blocks)
        self.assertTrue(all(stays.mapped("confirmation_code")))
        self.assertFalse(any(blocks.mapped("partner_id")))
        self.assertEqual(feed.event_count, len(bookings))
        self.assertEqual(feed.sync_status, "ok")
        self.assertTrue(feed.last_success_date)

    def test_booking_com_and_vrbo_exports(self):
        for path, channel in (("/booking.ics", "booking_com"), ("/vrbo.ics", "vrbo")):
            with self.subTest(channel=channel):
                name = "booking_com.ics" if channel == "booking_com" else "vrbo.ics"
                self.server.answer(path, fixture(name))
                accommodation = self.env["airdoo.accommodation"].create(
                    {"name": channel}
                )
                feed = self.env["airdoo.calendar.feed"].create(
                    {
                        "accommodation_id": accommodation.id,
                        "name": channel,
                        "channel": channel,
                        "url": self.server.url(path),
                    }
                )
                self.assertEqual(feed._sync()[feed], "ok")
                self.assertTrue(feed.booking_ids)
                self.assertEqual(set(feed.booking_ids.mapped("source")), {channel})

    def test_checkout_is_exclusive_and_same_day_turnover_fits(self):
        self.serve("/feed.ics", [("a", 10, 13, "Reserved"), ("b", 13, 15, "Reserved")])
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        first, second = self.active_bookings(feed)
        self.assertEqual(
            (first.checkin_date, first.checkout_date), (self.day(10), self.day(13))
        )
        self.assertEqual(first.nights, 3)
        self.assertEqual(second.checkin_date, first.checkout_date)
        # and a direct booking may arrive on the departure day of an import
        direct = self.env["airdoo.booking"].create(
            {
                "accommodation_id": self.accommodation.id,
                "checkin_date": self.day(15),
                "checkout_date": self.day(17),
                "source": "direct",
            }
        )
        self.assertTrue(direct)

    def test_unchanged_feed_changes_nothing(self):
        self.serve("/feed.ics", [("a", 10, 13, "Reserved")])
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        booking = self.active_bookings(feed)
        write_date = booking.write_date
        self.assertEqual(feed._sync()[feed], "unchanged")
        self.assertEqual(self.active_bookings(feed), booking)
        self.assertEqual(booking.write_date, write_date)

    def test_conditional_get_uses_etag(self):
        self.serve("/feed.ics", [("a", 10, 13, "Reserved")], headers={"ETag": '"v1"'})
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        self.assertEqual(feed.http_etag, '"v1"')
        self.assertEqual(feed._sync()[feed], "unchanged")
        _path, headers = self.server.requests[-1]
        self.assertEqual(headers.get("If-None-Match"), '"v1"')
        self.assertIn("AirDoo", headers.get("User-Agent"))

    def test_moved_event_moves_the_booking(self):
        self.serve("/feed.ics", [("a", 10, 13, "Reserved"), ("b", 20, 22, "Reserved")])
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        before = self.active_bookings(feed)
        # the two stays swap their dates: never an overlap halfway
        self.serve("/feed.ics", [("a", 20, 22, "Reserved"), ("b", 10, 13, "Reserved")])
        feed._sync()
        after = self.active_bookings(feed)
        self.assertEqual(after.sorted("id"), before.sorted("id"))
        by_uid = {b.external_uid: b for b in after}
        self.assertEqual(by_uid["a"].checkin_date, self.day(20))
        self.assertEqual(by_uid["b"].checkin_date, self.day(10))

    def test_changed_uid_with_same_dates_is_the_same_booking(self):
        self.serve("/feed.ics", [("old-uid", 10, 13, "Reserved")])
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        booking = self.active_bookings(feed)
        self.serve("/feed.ics", [("new-uid", 10, 13, "Reserved")])
        feed._sync()
        self.assertEqual(self.active_bookings(feed), booking)
        self.assertEqual(booking.external_uid, "new-uid")
        self.assertEqual(booking.state, "confirmed")

    def test_changed_uid_fixture_pair(self):
        self.server.answer("/b.ics", fixture("booking_com.ics"))
        feed = self.make_feed_record("/b.ics", channel="booking_com")
        feed._sync()
        before = self.active_bookings(feed)
        self.server.answer("/b.ics", fixture("booking_com_changed_uid.ics"))
        feed._sync()
        self.assertEqual(self.active_bookings(feed), before)

    def test_duplicated_and_overlapping_events_merge(self):
        self.serve(
            "/feed.ics",
            [
                ("a", 10, 13, "Reserved"),
                ("a", 10, 13, "Reserved"),
                ("b", 12, 15, "Not available"),
            ],
        )
        feed = self.make_feed_record("/feed.ics")
        self.assertEqual(feed._sync()[feed], "ok")
        booking = self.active_bookings(feed)
        self.assertEqual(len(booking), 1)
        self.assertEqual(
            (booking.checkin_date, booking.checkout_date), (self.day(10), self.day(15))
        )


class TestRemoval(CalendarSyncCase):
    def test_removed_future_event_is_cancelled_past_is_kept(self):
        self.serve(
            "/feed.ics",
            [
                ("past", -20, -15, "Reserved"),
                ("future", 10, 13, "Reserved"),
                ("kept", 30, 33, "Reserved"),
            ],
        )
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        by_uid = {b.external_uid: b for b in self.bookings(feed)}
        self.serve("/feed.ics", [("kept", 30, 33, "Reserved")])
        self.assertEqual(feed._sync()[feed], "ok")
        self.assertEqual(by_uid["future"].state, "cancelled")
        self.assertIn("left the", by_uid["future"].message_ids[0].body)
        self.assertEqual(by_uid["past"].state, "confirmed")
        self.assertEqual(by_uid["kept"].state, "confirmed")

    def test_event_coming_back_reactivates_its_booking(self):
        self.serve("/feed.ics", [("a", 10, 13, "Reserved"), ("b", 20, 23, "Reserved")])
        feed = self.make_feed_record("/feed.ics")
        feed._sync()
        self.serve("/feed.ics", [("b", 20, 23, "Reserved")])
        feed._sync()
        self.serve("/feed.ics", [("a", 10, 13, "Reserved"), ("b", 20, 23, "Reserved")])
        feed._sync()
        self.assertEqual(len(self.active_bookings(feed)), 2)
        self.assertEqual(len(self.bookings(feed)), 2)


class TestConflicts(CalendarSyncCase):
    def test_clashing_event_becomes_a_conflict_and_the_rest_applies(self):
        direct = self.env["airdoo.booking"].create(
            {
                "accommodation_id": self.accommodation.id,
                "checkin_date": self.day(10),
                "checkout_date": self.day(14),
                "source": "direct",
                "state": "confirmed",
            }
        )
        self.serve(
            "/feed.ics",
            [("clash", 12, 16, "Reserved"), ("fine", 20, 22, "Reserved")],
        )
        feed = self.make_feed_record("/feed.ics")
        self.assertEqual(feed._sync()[feed], "conflict")
        imported = self.active_bookings(feed)
        self.assertEqual(imported.mapped("external_uid"), ["fine"])
        conflict = feed.conflict_ids
        self.assertEqual(len(conflict), 1)
        self.assertEqual(conflict.accommodation_id, self.accommodation)
        self.assertEqual(conflict.clashing_booking_id, direct)
        self.assertEqual(
            (conflict.checkin_date, conflict.checkout_date),
            (self.day(12), self.day(16)),
        )
        self.assertEqual(self.accommodation.calendar_conflict_count, 1)
        self.assertEqual(direct.state, "confirmed")
        activity = self.accommodation.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)

        # the next sync of the same clash does not pile up activities
        self.server.answers["/feed.ics"].body += b"\r\n"
        feed._sync()
        self.assertEqual(len(feed.conflict_ids), 1)
        self.assertEqual(len(self.accommodation.activity_ids), 1)

        # once the host cancels the direct booking, the event is imported
        direct.action_cancel()
        self.server.answers["/feed.ics"].body += b"\r\n"
        self.assertEqual(feed._sync()[feed], "ok")
        self.assertEqual(conflict.state, "resolved")
        self.assertEqual(
            sorted(self.active_bookings(feed).mapped("external_uid")), ["clash", "fine"]
        )

    def test_two_channels_booking_the_same_nights(self):
        self.serve("/airbnb.ics", [("air-1", 10, 13, "Reserved")])
        self.serve("/vrbo.ics", [("vrbo-1", 11, 12, "Reserved")])
        airbnb = self.make_feed_record("/airbnb.ics", "airbnb")
        vrbo = self.make_feed_record("/vrbo.ics", "vrbo")
        airbnb._sync()
        self.assertEqual(vrbo._sync()[vrbo], "conflict")
        self.assertEqual(len(self.active_bookings()), 1)
        self.assertEqual(vrbo.conflict_count, 1)


class TestFailuresChangeNothing(CalendarSyncCase):
    def setUp(self):
        super().setUp()
        self.serve(
            "/feed.ics", [("a", 10, 13, "Reserved"), ("b", 20, 23, "Not available")]
        )
        self.feed = self.make_feed_record("/feed.ics")
        self.feed._sync()
        self.before = self.snapshot()
        self.assertEqual(len(self.before), 2)

    def assertFailureKeepsBookings(self, expected="error", mention=None, **answer):
        self.server.answer("/feed.ics", **answer)
        with mute_logger(FEED_LOGGER):
            result = self.feed._sync()[self.feed]
        self.assertEqual(result, expected)
        self.assertEqual(self.feed.sync_status, expected)
        self.assertTrue(self.feed.last_error)
        if mention:
            self.assertIn(mention, self.feed.last_error)
        self.assertEqual(self.snapshot(), self.before)

    def test_server_error(self):
        self.assertFailureKeepsBookings(mention="500", body=b"oops", status=500)

    def test_forbidden(self):
        self.assertFailureKeepsBookings(mention="403", body=b"no", status=403)

    def test_html_page(self):
        self.assertFailureKeepsBookings(
            body=fixture("not_a_calendar.html"), headers={"Content-Type": "text/html"}
        )

    def test_empty_calendar_is_suspicious(self):
        self.assertFailureKeepsBookings(
            expected="suspicious", body=fixture("empty.ics")
        )

    def test_empty_body(self):
        self.assertFailureKeepsBookings(body=b"")

    def test_truncated_file(self):
        self.assertFailureKeepsBookings(body=fixture("truncated.ics"))

    def test_oversized_body(self):
        self.assertFailureKeepsBookings(body=b"X" * (5 * 1024 * 1024 + 10))

    def test_timeout(self):
        # Odoo's test harness raises request timeouts to 10 s.
        self.assertFailureKeepsBookings(body=b"late", delay=11)

    def test_first_sync_of_an_empty_calendar_is_fine(self):
        self.server.answer("/empty.ics", fixture("empty.ics"))
        feed = self.make_feed_record("/empty.ics", name="empty")
        self.assertEqual(feed._sync()[feed], "ok")
        self.assertEqual(feed.event_count, 0)

    def test_recovery_after_an_error(self):
        self.assertFailureKeepsBookings(body=b"oops", status=500)
        self.serve("/feed.ics", [("a", 10, 13, "Reserved")])
        self.assertEqual(self.feed._sync()[self.feed], "ok")
        self.assertFalse(self.feed.last_error)
        self.assertEqual(len(self.active_bookings(self.feed)), 1)


class TestCron(CalendarSyncCase):
    def test_cron_syncs_queued_accommodations_and_due_feeds(self):
        self.serve("/feed.ics", [("a", 10, 13, "Reserved")])
        feed = self.make_feed_record("/feed.ics")
        self.assertTrue(self.accommodation._request_calendar_sync())
        # a second request while queued coalesces
        self.assertFalse(self.accommodation._request_calendar_sync())
        self.assertEqual(self.accommodation.calendar_sync_state, "queued")
        self.env["airdoo.calendar.feed"]._cron_sync()
        self.assertEqual(self.accommodation.calendar_sync_state, "idle")
        self.assertEqual(feed.sync_status, "ok")
        self.assertEqual(len(self.active_bookings(feed)), 1)

    def test_interval_setting_drives_the_cron(self):
        settings = self.env["res.config.settings"].create(
            {"airdoo_calendar_sync_interval": 15}
        )
        settings.execute()
        cron = self.env.ref("airdoo.ir_cron_airdoo_calendar_sync")
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
