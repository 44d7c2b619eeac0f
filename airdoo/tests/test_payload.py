import unittest
from datetime import date

from odoo.addons.airdoo.lib.errors import WebhookError
from odoo.addons.airdoo.lib.payload import (
    parse_booking_update,
    parse_json_object,
)


class TestPayloadParsing(unittest.TestCase):
    """Reading webhook bodies, field by field, without HTTP or database."""

    def assertRefused(self, status, code, call, *args, mentions=None):
        with self.assertRaises(WebhookError) as caught:
            call(*args)
        self.assertEqual(
            (caught.exception.status, caught.exception.code), (status, code)
        )
        if mentions:
            self.assertIn(mentions, caught.exception.message)
        return caught.exception

    def test_json_object_required(self):
        for body in (b"not json", b"", b"[1, 2]", b'"text"', b"\xff\xfe", b"NaN", b"{"):
            with self.subTest(body=body):
                self.assertRefused(400, "invalid_json", parse_json_object, body)
        self.assertEqual(parse_json_object(b'{"a": 1}'), {"a": 1})

    def test_minimal_update(self):
        update = parse_booking_update({"event_type": "modified", "booking_id": 456})
        self.assertEqual(update.event_type, "modified")
        self.assertEqual(update.booking_id, 456)
        self.assertEqual(update.new_data, {})
        self.assertIsNone(update.reason)

    def test_full_update_converts_values(self):
        update = parse_booking_update(
            {
                "event_type": "booking_updated",
                "booking_id": 7,
                "reason": "Guest asked",
                "timestamp": "2026-03-15T15:00:00Z",
                "new_data": {
                    "checkin_date": "2026-04-01",
                    "checkout_date": "2026-04-05",
                    "guest_count": 3,
                    "adults": 2,
                    "children": 1,
                    "babies": 0,
                    "notes": "Late arrival",
                },
            }
        )
        self.assertEqual(update.new_data["checkin_date"], date(2026, 4, 1))
        self.assertEqual(update.new_data["guest_count"], 3)
        self.assertEqual(update.reason, "Guest asked")

    def test_required_fields_are_named(self):
        self.assertRefused(
            400,
            "invalid_payload",
            parse_booking_update,
            {"booking_id": 1},
            mentions="event_type",
        )
        self.assertRefused(
            400,
            "invalid_payload",
            parse_booking_update,
            {"event_type": "modified"},
            mentions="booking_id",
        )

    def test_wrong_types_are_named(self):
        cases = [
            ({"event_type": 3, "booking_id": 1}, "event_type"),
            ({"event_type": "modified", "booking_id": "456"}, "booking_id"),
            ({"event_type": "modified", "booking_id": True}, "booking_id"),
            ({"event_type": "modified", "booking_id": 1.5}, "booking_id"),
            ({"event_type": "modified", "booking_id": -4}, "booking_id"),
            ({"event_type": "modified", "booking_id": 1, "new_data": []}, "new_data"),
            ({"event_type": "modified", "booking_id": 1, "reason": 5}, "reason"),
            (
                {
                    "event_type": "modified",
                    "booking_id": 1,
                    "new_data": {"adults": "2"},
                },
                "adults",
            ),
            (
                {
                    "event_type": "modified",
                    "booking_id": 1,
                    "new_data": {"checkin_date": 20260401},
                },
                "checkin_date",
            ),
            (
                {"event_type": "modified", "booking_id": 1, "new_data": {"notes": 3}},
                "notes",
            ),
        ]
        for payload, name in cases:
            with self.subTest(payload=payload):
                self.assertRefused(
                    400, "invalid_payload", parse_booking_update, payload, mentions=name
                )

    def test_unknown_event_type_lists_accepted_ones(self):
        error = self.assertRefused(
            400,
            "unknown_event_type",
            parse_booking_update,
            {"event_type": "deleted", "booking_id": 1},
        )
        for accepted in ("booking_updated", "modified", "cancelled"):
            self.assertIn(accepted, error.message)

    def test_invalid_values(self):
        cases = [
            ({"checkin_date": "2026-02-30"}, "checkin_date"),
            ({"checkout_date": "2026-13-01"}, "checkout_date"),
            ({"checkin_date": "01/04/2026"}, "checkin_date"),
            (
                {"checkin_date": "2026-04-05", "checkout_date": "2026-04-05"},
                "checkout_date",
            ),
            (
                {"checkin_date": "2026-04-05", "checkout_date": "2026-04-01"},
                "checkout_date",
            ),
            ({"adults": -1}, "adults"),
            ({"guest_count": 100000}, "guest_count"),
            ({"price": 100}, "price"),
            ({"state": "confirmed"}, "state"),
        ]
        for new_data, name in cases:
            with self.subTest(new_data=new_data):
                self.assertRefused(
                    422,
                    "invalid_value",
                    parse_booking_update,
                    {"event_type": "modified", "booking_id": 1, "new_data": new_data},
                    mentions=name,
                )
