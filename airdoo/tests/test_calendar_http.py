import json
from datetime import date, timedelta

from icalendar import Calendar

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.airdoo.const import (
    ROUTE_ICAL_EXPORT,
    ROUTE_ICAL_FEED_EXPORT,
    ROUTE_WEBHOOK_CALENDAR_SYNC,
)

from .test_webhook_http import CONTROLLER_LOGGER, WebhookCase, now_iso


def parse_calendar(response):
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): (
            event.decoded("DTSTART"),
            event.decoded("DTEND"),
            str(event["SUMMARY"]),
        )
        for event in calendar.walk("VEVENT")
    }


@tagged("post_install", "-at_install")
class TestIcalExport(WebhookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Private Guest Name"})
        cls.booking.partner_id = cls.partner
        cls.booking.notes = "Door code 4321"
        cls.airbnb_feed = cls.env["airdoo.calendar.feed"].create(
            {
                "accommodation_id": cls.accommodation.id,
                "name": "Airbnb",
                "channel": "airbnb",
                "url": "http://127.0.0.1:9/never-fetched.ics",
            }
        )
        start = date.today() + timedelta(days=40)
        cls.imported = cls.env["airdoo.booking"].create(
            {
                "accommodation_id": cls.accommodation.id,
                "checkin_date": start,
                "checkout_date": start + timedelta(days=2),
                "state": "confirmed",
                "source": "airbnb",
                "feed_id": cls.airbnb_feed.id,
                "external_uid": "airbnb-event-1",
                "booking_type": "block",
            }
        )

    def export(self, route, token):
        return self.url_open(route.format(token=token))

    def test_accommodation_export(self):
        response = self.export(ROUTE_ICAL_EXPORT, self.accommodation.ical_export_token)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/calendar"))
        self.assertNotIn("Set-Cookie", response.headers)
        events = parse_calendar(response)
        expected = self.booking | self.neighbour | self.imported
        self.assertEqual(len(events), len(expected))
        by_dates = {(start, end): summary for start, end, summary in events.values()}
        for booking in expected:
            # all-day events: DATE values, exclusive end
            summary = by_dates[(booking.checkin_date, booking.checkout_date)]
            self.assertEqual(
                summary,
                "Not available" if booking.booking_type == "block" else "Reserved",
            )
        # the cancelled booking is left out, and no personal data goes out
        self.assertNotIn(
            (self.cancelled.checkin_date, self.cancelled.checkout_date), by_dates
        )
        for private in ("Private Guest Name", "Door code", self.booking.name):
            self.assertNotIn(private, response.text)

    def test_uids_are_stable(self):
        first = parse_calendar(
            self.export(ROUTE_ICAL_EXPORT, self.accommodation.ical_export_token)
        )
        second = parse_calendar(
            self.export(ROUTE_ICAL_EXPORT, self.accommodation.ical_export_token)
        )
        self.assertEqual(set(first), set(second))

    def test_feed_export_leaves_out_the_feeds_own_events(self):
        response = self.export(ROUTE_ICAL_FEED_EXPORT, self.airbnb_feed.export_token)
        self.assertEqual(response.status_code, 200)
        dates = {
            (start, end) for start, end, _summary in parse_calendar(response).values()
        }
        self.assertNotIn(
            (self.imported.checkin_date, self.imported.checkout_date), dates
        )
        self.assertIn((self.booking.checkin_date, self.booking.checkout_date), dates)
        self.assertIn(
            (self.neighbour.checkin_date, self.neighbour.checkout_date), dates
        )

    def test_unknown_or_rotated_token_is_not_found(self):
        self.assertEqual(self.export(ROUTE_ICAL_EXPORT, "not-a-token").status_code, 404)
        old_token = self.accommodation.ical_export_token
        self.accommodation.action_rotate_ical_token()
        self.assertNotEqual(self.accommodation.ical_export_token, old_token)
        self.assertEqual(self.export(ROUTE_ICAL_EXPORT, old_token).status_code, 404)
        new = self.export(ROUTE_ICAL_EXPORT, self.accommodation.ical_export_token)
        self.assertEqual(new.status_code, 200)
        old_feed_token = self.airbnb_feed.export_token
        self.airbnb_feed.action_rotate_export_token()
        self.assertEqual(
            self.export(ROUTE_ICAL_FEED_EXPORT, old_feed_token).status_code, 404
        )

    def test_tokens_are_long_and_distinct(self):
        other = self.env["airdoo.accommodation"].create({"name": "Other"})
        self.assertGreaterEqual(len(self.accommodation.ical_export_token), 40)
        self.assertNotEqual(
            other.ical_export_token, self.accommodation.ical_export_token
        )
        self.assertIn(
            self.accommodation.ical_export_token, self.accommodation.ical_export_url
        )


@tagged("post_install", "-at_install")
class TestCalendarSyncWebhook(WebhookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.feeds = cls.env["airdoo.calendar.feed"].create(
            [
                {
                    "accommodation_id": cls.accommodation.id,
                    "name": channel,
                    "channel": channel,
                    "url": f"http://127.0.0.1:9/{channel}.ics",
                }
                for channel in ("airbnb", "vrbo")
            ]
        )
        cls.cron = cls.env.ref("airdoo.ir_cron_airdoo_calendar_sync")

    def sync_payload(self, **values):
        return {
            "accommodation_id": self.accommodation.id,
            "action": "sync",
            "timestamp": now_iso(),
            **values,
        }

    def triggers(self):
        return (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", self.cron.id)])
        )

    def test_202_queues_and_coalesces(self):
        triggers = self.triggers()
        response = self.post(self.sync_payload(), route=ROUTE_WEBHOOK_CALENDAR_SYNC)
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(
            response.json(),
            {
                "success": True,
                "accommodation_id": self.accommodation.id,
                "status": "queued",
                "feeds": 2,
            },
        )
        self.env.invalidate_all()
        self.assertEqual(self.accommodation.calendar_sync_state, "queued")
        self.assertEqual(self.triggers(), triggers + 1)
        # another trigger while queued joins the pending run
        again = self.post(
            self.sync_payload(timestamp=now_iso(-1)), route=ROUTE_WEBHOOK_CALENDAR_SYNC
        )
        self.assertEqual(again.status_code, 202)
        self.assertEqual(self.triggers(), triggers + 1)
        event = self.last_event()
        self.assertEqual(
            (event.http_status, event.accommodation_id), (202, self.accommodation)
        )
        self.assertEqual(event.event_type, "sync")

    def test_404_accommodation_not_found(self):
        before = self.triggers()
        with mute_logger(CONTROLLER_LOGGER):
            response = self.post(
                self.sync_payload(accommodation_id=987654),
                route=ROUTE_WEBHOOK_CALENDAR_SYNC,
            )
        self.assertError(response, 404, "accommodation_not_found")
        self.assertEqual(self.triggers(), before)

    def test_400_other_action(self):
        with mute_logger(CONTROLLER_LOGGER):
            response = self.post(
                self.sync_payload(action="delete"), route=ROUTE_WEBHOOK_CALENDAR_SYNC
            )
        error = self.assertError(response, 400, "invalid_payload")
        self.assertIn("sync", error["message"])
        self.assertEqual(self.accommodation.calendar_sync_state, "idle")

    def test_401_unsigned_and_wrongly_signed(self):
        with mute_logger(CONTROLLER_LOGGER):
            missing = self.post(
                self.sync_payload(), route=ROUTE_WEBHOOK_CALENDAR_SYNC, signed=False
            )
            self.assertError(missing, 401, "missing_signature")
            wrong = self.post(
                self.sync_payload(), route=ROUTE_WEBHOOK_CALENDAR_SYNC, secret="wrong"
            )
            self.assertError(wrong, 401, "invalid_signature")
        self.assertEqual(self.accommodation.calendar_sync_state, "idle")

    def test_replayed_trigger_answers_the_same(self):
        body = json.dumps(self.sync_payload()).encode()
        first = self.post(body=body, route=ROUTE_WEBHOOK_CALENDAR_SYNC)
        second = self.post(body=body, route=ROUTE_WEBHOOK_CALENDAR_SYNC)
        self.assertEqual(second.status_code, 202)
        self.assertEqual(second.json(), first.json())
        self.assertEqual(second.headers.get("X-AirDoo-Replay"), "true")
