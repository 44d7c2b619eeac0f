import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.airdoo.const import (
    PARAM_WEBHOOK_ALLOW_UNSIGNED,
    PARAM_WEBHOOK_MAX_PAYLOAD,
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_PREVIOUS,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
    REPLAY_HEADER,
    ROUTE_WEBHOOK_TEST,
    ROUTE_WEBHOOK_UPDATE,
    SIGNATURE_HEADER,
)

SECRET = "test-secret-" + "x" * 52
CONTROLLER_LOGGER = "odoo.addons.airdoo.controllers.main"


def sign(body, secret=SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def now_iso(offset_seconds=0):
    moment = datetime.now(timezone.utc) + timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class WebhookCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param(PARAM_WEBHOOK_SECRET, SECRET)
        for key in (
            PARAM_WEBHOOK_SECRET_PREVIOUS,
            PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
            PARAM_WEBHOOK_ALLOW_UNSIGNED,
            PARAM_WEBHOOK_MAX_PAYLOAD,
        ):
            cls.params.set_param(key, False)
        cls.accommodation = cls.env["airdoo.accommodation"].create(
            {"name": "Webhook Villa", "max_guests": 4}
        )
        start = datetime.now().date() + timedelta(days=90)
        cls.start = start

        def book(offset, nights, **values):
            return cls.env["airdoo.booking"].create(
                {
                    "accommodation_id": cls.accommodation.id,
                    "checkin_date": start + timedelta(days=offset),
                    "checkout_date": start + timedelta(days=offset + nights),
                    "state": "confirmed",
                    "adults": 2,
                    **values,
                }
            )

        cls.booking = book(0, 3, notes="Original notes")
        cls.neighbour = book(10, 4)
        cls.cancelled = book(20, 2, state="cancelled")
        cls.webhook_user = cls.env.ref("airdoo.user_airdoo_webhook")

    def day(self, offset):
        return (self.start + timedelta(days=offset)).isoformat()

    def post(
        self,
        payload=None,
        body=None,
        secret=SECRET,
        headers=None,
        signed=True,
        route=ROUTE_WEBHOOK_UPDATE,
        content_type="application/json",
    ):
        if body is None:
            body = json.dumps(payload).encode()
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers[SIGNATURE_HEADER] = sign(body, secret)
        all_headers.update(headers or {})
        return self.url_open(route, data=body, headers=all_headers, method="POST")

    def update(self, booking=None, event_type="modified", **payload):
        return {
            "event_type": event_type,
            "booking_id": (booking or self.booking).id,
            "timestamp": now_iso(),
            **payload,
        }

    def snapshot(self):
        """Everything a delivery could change."""
        self.env.invalidate_all()
        bookings = self.env["airdoo.booking"].search(
            [("accommodation_id", "=", self.accommodation.id)]
        )
        return {
            "bookings": bookings.read(
                [
                    "checkin_date",
                    "checkout_date",
                    "state",
                    "guest_count",
                    "adults",
                    "children",
                    "babies",
                    "notes",
                ]
            ),
            "messages": self.env["mail.message"].search_count(
                [("model", "=", "airdoo.booking"), ("res_id", "in", bookings.ids)]
            ),
            "receipts": self.env["airdoo.webhook.receipt"].sudo().search_count([]),
        }

    def last_event(self):
        return self.env["airdoo.webhook.event"].sudo().search([], limit=1)

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text)
        body = response.json()
        self.assertIs(body["success"], False)
        self.assertEqual(body["error"]["code"], code)
        self.assertTrue(body["error"]["message"])
        self.assertNotIn(SECRET, response.text)
        self.assertNotIn("Traceback", response.text)
        event = self.last_event()
        self.assertEqual((event.http_status, event.error_code), (status, code))
        return body["error"]


@tagged("post_install", "-at_install")
class TestWebhookErrors(WebhookCase):
    """One test per row of the error table: status, body, nothing changed."""

    def assertRefusedUnchanged(self, status, code, **post):
        before = self.snapshot()
        with mute_logger(CONTROLLER_LOGGER):
            response = self.post(**post)
        error = self.assertError(response, status, code)
        self.assertEqual(self.snapshot(), before)
        return error

    def test_401_missing_signature(self):
        error = self.assertRefusedUnchanged(
            401, "missing_signature", payload=self.update(), signed=False
        )
        self.assertIn(SIGNATURE_HEADER, error["message"])
        self.assertEqual(self.last_event().signature_status, "missing")

    def test_401_invalid_signature(self):
        body = json.dumps(self.update(new_data={"notes": "x"})).encode()
        digest = sign(body)[len("sha256=") :]
        cases = {
            "bad_prefix": "sha1=" + digest,
            "wrong_length": "sha256=" + digest[:40],
            "mismatch": sign(body, secret="not-the-secret"),
        }
        for reason, header in cases.items():
            with self.subTest(reason=reason):
                error = self.assertRefusedUnchanged(
                    401,
                    "invalid_signature",
                    body=body,
                    signed=False,
                    headers={SIGNATURE_HEADER: header},
                )
                self.assertEqual(error["reason"], reason)
                self.assertNotIn(digest, json.dumps(error))
                self.assertEqual(self.last_event().signature_status, "invalid")

    def test_401_signature_of_another_body(self):
        body = json.dumps(self.update(new_data={"notes": "x"})).encode()
        tampered = body.replace(b'"x"', b'"y"')
        self.assertRefusedUnchanged(
            401,
            "invalid_signature",
            body=tampered,
            signed=False,
            headers={SIGNATURE_HEADER: sign(body)},
        )

    def test_401_timestamp_out_of_tolerance(self):
        for offset, word in ((-900, "old"), (900, "future")):
            with self.subTest(offset=offset):
                payload = self.update(new_data={"notes": "late"})
                payload["timestamp"] = now_iso(offset)
                error = self.assertRefusedUnchanged(
                    401, "timestamp_out_of_tolerance", payload=payload
                )
                self.assertIn(word, error["message"])
                self.assertRegex(error["message"], r"\b(89\d|90\d) seconds")
                self.assertAlmostEqual(abs(error["skew_seconds"]), 900, delta=5)

    def test_403_webhook_secret_not_configured(self):
        self.params.set_param(PARAM_WEBHOOK_SECRET, False)
        error = self.assertRefusedUnchanged(
            403, "webhook_secret_not_configured", payload=self.update(), signed=False
        )
        self.assertIn("Settings", error["message"])

    def test_400_invalid_json(self):
        for body in (b"{not json", b"[1, 2, 3]", b'"just a string"'):
            with self.subTest(body=body):
                self.assertRefusedUnchanged(400, "invalid_json", body=body)

    def test_400_invalid_payload(self):
        cases = [
            ({"event_type": "modified"}, "booking_id"),
            ({"event_type": "modified", "booking_id": "abc"}, "booking_id"),
            (self.update(new_data="tomorrow"), "new_data"),
            (self.update(new_data={"adults": "two"}), "adults"),
            (self.update(timestamp="last tuesday"), "timestamp"),
            (self.update(timestamp=1773586800), "timestamp"),
        ]
        for payload, field in cases:
            with self.subTest(payload=payload):
                error = self.assertRefusedUnchanged(
                    400, "invalid_payload", payload=payload
                )
                self.assertIn(field, error["message"])

    def test_400_unknown_event_type(self):
        error = self.assertRefusedUnchanged(
            400, "unknown_event_type", payload=self.update(event_type="deleted")
        )
        self.assertIn("booking_updated, modified, cancelled", error["message"])

    def test_404_booking_not_found(self):
        payload = self.update()
        payload["booking_id"] = 987654321
        self.assertRefusedUnchanged(404, "booking_not_found", payload=payload)

    def test_409_booking_conflict(self):
        payload = self.update(
            new_data={"checkin_date": self.day(11), "checkout_date": self.day(13)}
        )
        error = self.assertRefusedUnchanged(409, "booking_conflict", payload=payload)
        # the clashing dates, and nothing about the other guest
        self.assertIn(self.day(10), error["message"])
        self.assertIn(self.day(14), error["message"])
        self.assertNotIn(self.neighbour.name, error["message"])

    def test_409_booking_cancelled(self):
        payload = self.update(self.cancelled, new_data={"notes": "too late"})
        self.assertRefusedUnchanged(409, "booking_cancelled", payload=payload)

    def test_413_payload_too_large(self):
        self.params.set_param(PARAM_WEBHOOK_MAX_PAYLOAD, 2048)
        payload = self.update(new_data={"notes": "x" * 4000})
        error = self.assertRefusedUnchanged(413, "payload_too_large", payload=payload)
        self.assertIn("2048", error["message"])

    def test_413_default_limit_is_64_kib(self):
        payload = self.update(new_data={"notes": "x" * (64 * 1024)})
        self.assertRefusedUnchanged(413, "payload_too_large", payload=payload)

    def test_415_unsupported_media_type(self):
        for content_type in ("text/plain", "application/x-www-form-urlencoded"):
            with self.subTest(content_type=content_type):
                self.assertRefusedUnchanged(
                    415,
                    "unsupported_media_type",
                    payload=self.update(),
                    content_type=content_type,
                )

    def test_422_invalid_value(self):
        cases = [
            ({"checkin_date": "2026-02-30"}, "checkin_date"),
            ({"checkout_date": self.day(-5)}, "check-out"),
            (
                {"checkin_date": self.day(1), "checkout_date": self.day(1)},
                "checkout_date",
            ),
            ({"guest_count": 9}, "at most 4 guests"),
            ({"adults": -2}, "adults"),
            ({"price": 120}, "price"),
        ]
        for new_data, mention in cases:
            with self.subTest(new_data=new_data):
                error = self.assertRefusedUnchanged(
                    422, "invalid_value", payload=self.update(new_data=new_data)
                )
                self.assertIn(mention, error["message"])

    def test_405_wrong_method(self):
        before = self.snapshot()
        with mute_logger(CONTROLLER_LOGGER):
            response = self.url_open(ROUTE_WEBHOOK_UPDATE)
        self.assertError(response, 405, "method_not_allowed")
        self.assertEqual(response.headers["Allow"], "POST")
        self.assertEqual(self.snapshot(), before)

    def test_refusals_are_logged_as_warnings_without_secret(self):
        with self.assertLogs(CONTROLLER_LOGGER, level="WARNING") as logs:
            self.post(payload=self.update(), secret="wrong-secret")
        self.assertEqual(len(logs.output), 1)
        self.assertIn("invalid_signature", logs.output[0])
        self.assertNotIn(SECRET, logs.output[0])


@tagged("post_install", "-at_install")
class TestWebhookUpdates(WebhookCase):
    def test_modified_applies_new_data(self):
        payload = self.update(
            reason="Guest extended the stay",
            new_data={
                "checkout_date": self.day(5),
                "adults": 3,
                "children": 1,
                "notes": "Two more nights",
            },
        )
        messages_before = len(self.booking.message_ids)
        response = self.post(payload)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(),
            {
                "success": True,
                "updated": True,
                "message": "Booking updated",
                "booking_id": self.booking.id,
                "new_status": "modified",
            },
        )
        self.env.invalidate_all()
        self.assertEqual(self.booking.checkout_date.isoformat(), self.day(5))
        self.assertEqual((self.booking.adults, self.booking.guest_count), (3, 4))
        self.assertEqual(self.booking.state, "modified")
        # exactly one chatter message, by the technical user, with the reason
        new_messages = self.booking.message_ids[
            : len(self.booking.message_ids) - messages_before
        ]
        self.assertEqual(len(new_messages), 1)
        message = new_messages
        self.assertEqual(message.author_id, self.webhook_user.partner_id)
        self.assertIn("Guest extended the stay", message.body)
        self.assertIn(f"{self.day(3)} → {self.day(5)}", message.body)
        self.assertIn("Confirmed → Modified", message.body)
        self.assertEqual(self.booking.write_uid, self.webhook_user)
        self.assertNotIn("Set-Cookie", response.headers)
        event = self.last_event()
        self.assertEqual(
            (event.http_status, event.signature_status, event.booking_id),
            (200, "valid", self.booking),
        )
        self.assertEqual(event.event_type, "modified")
        self.assertGreater(event.duration_ms, 0)
        self.assertEqual(json.loads(event.response_body), response.json())

    def test_booking_updated_is_the_same_as_modified(self):
        response = self.post(
            self.update(event_type="booking_updated", new_data={"guest_count": 3})
        )
        self.assertEqual(response.json()["new_status"], "modified")
        self.assertEqual(self.booking.guest_count, 3)

    def test_identical_values_report_not_updated(self):
        before = self.snapshot()
        response = self.post(
            self.update(
                new_data={"checkin_date": self.day(0), "notes": "Original notes"}
            )
        )
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.json()["updated"], False)
        self.assertEqual(response.json()["new_status"], "confirmed")
        after = self.snapshot()
        # only the receipt of the delivery is new
        self.assertEqual(after["bookings"], before["bookings"])
        self.assertEqual(after["messages"], before["messages"])

    def test_cancelled_frees_the_dates(self):
        response = self.post(
            self.update(event_type="cancelled", reason="Flight cancelled")
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["updated"], body["new_status"]), (True, "cancelled"))
        self.assertEqual(self.booking.state, "cancelled")
        self.assertIn("Flight cancelled", self.booking.message_ids[0].body)
        # the nights are free again
        self.env["airdoo.booking"].create(
            {
                "accommodation_id": self.accommodation.id,
                "checkin_date": self.day(0),
                "checkout_date": self.day(3),
            }
        )
        # cancelling again changes nothing
        again = self.post(self.update(event_type="cancelled"))
        self.assertEqual(again.status_code, 200)
        self.assertIs(again.json()["updated"], False)
        self.assertEqual(again.json()["new_status"], "cancelled")

    def test_same_day_turnover_is_not_a_conflict(self):
        response = self.post(self.update(new_data={"checkout_date": self.day(10)}))
        self.assertEqual(response.status_code, 200, response.text)

    def test_any_whitespace_and_key_order_verifies(self):
        payload = self.update(new_data={"notes": "Ünïcode – “quotes” ✓"})
        body = json.dumps(
            payload, indent=4, sort_keys=True, ensure_ascii=False
        ).encode()
        response = self.post(body=body)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.booking.notes, "Ünïcode – “quotes” ✓")

    def test_timestamp_is_optional_and_tolerated_within_limits(self):
        payload = self.update(new_data={"guest_count": 3})
        del payload["timestamp"]
        self.assertEqual(self.post(payload).status_code, 200)
        payload = self.update(new_data={"guest_count": 4})
        payload["timestamp"] = now_iso(-250)
        self.assertEqual(self.post(payload).status_code, 200)

    def test_previous_secret_is_valid_during_grace_period(self):
        secrets_model = self.env["airdoo.webhook.secret"]
        new_secret = secrets_model._generate()
        response = self.post(self.update(new_data={"guest_count": 3}), secret=SECRET)
        self.assertEqual(response.status_code, 200, response.text)
        response = self.post(
            self.update(new_data={"guest_count": 4}), secret=new_secret
        )
        self.assertEqual(response.status_code, 200, response.text)
        # once the grace period is over, the old secret is refused
        self.params.set_param(
            PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY, "2000-01-01 00:00:00"
        )
        with mute_logger(CONTROLLER_LOGGER):
            response = self.post(
                self.update(new_data={"guest_count": 2}), secret=SECRET
            )
        self.assertError(response, 401, "invalid_signature")

    def test_unsigned_mode(self):
        self.params.set_param(PARAM_WEBHOOK_SECRET, False)
        self.params.set_param(PARAM_WEBHOOK_ALLOW_UNSIGNED, True)
        with self.assertLogs(CONTROLLER_LOGGER, level="WARNING") as logs:
            response = self.post(self.update(new_data={"guest_count": 3}), signed=False)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("UNSIGNED", logs.output[0])
        self.assertEqual(self.last_event().signature_status, "unsigned")


@tagged("post_install", "-at_install")
class TestWebhookReplay(WebhookCase):
    def test_same_delivery_twice_is_applied_once(self):
        body = json.dumps(self.update(new_data={"guest_count": 3})).encode()
        first = self.post(body=body)
        messages = len(self.booking.message_ids)
        second = self.post(body=body)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json(), first.json())
        self.assertEqual(second.headers.get(REPLAY_HEADER), "true")
        self.assertNotIn(REPLAY_HEADER, first.headers)
        self.assertEqual(len(self.booking.message_ids), messages)
        self.assertEqual(self.last_event().signature_status, "replay")
        self.assertEqual(self.last_event().booking_id, self.booking)

    def test_replay_returns_the_first_response_even_after_later_changes(self):
        cancel = json.dumps(self.update(event_type="cancelled")).encode()
        first = self.post(body=cancel)
        self.booking.action_reset_to_draft()
        replay = self.post(body=cancel)
        self.assertEqual(replay.json(), first.json())
        self.assertEqual(self.booking.state, "draft")

    def test_idempotency_key(self):
        headers = {"Idempotency-Key": "order-42-change-1"}
        first = self.post(self.update(new_data={"guest_count": 3}), headers=headers)
        # a new signature (new timestamp, new values) with the same key
        second = self.post(self.update(new_data={"guest_count": 4}), headers=headers)
        self.assertEqual(second.headers.get(REPLAY_HEADER), "true")
        self.assertEqual(second.json(), first.json())
        self.assertEqual(self.booking.guest_count, 3)

    def test_refused_delivery_can_be_sent_again(self):
        body = json.dumps(
            self.update(
                new_data={"checkin_date": self.day(9), "checkout_date": self.day(12)}
            )
        ).encode()
        with mute_logger(CONTROLLER_LOGGER):
            self.assertEqual(self.post(body=body).status_code, 409)
        self.neighbour.action_cancel()
        retry = self.post(body=body)
        self.assertEqual(retry.status_code, 200, retry.text)
        self.assertNotIn(REPLAY_HEADER, retry.headers)


@tagged("post_install", "-at_install")
class TestWebhookTestRoute(WebhookCase):
    def test_get_reports_status(self):
        response = self.url_open(ROUTE_WEBHOOK_TEST)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertIs(body["success"], True)
        self.assertIs(body["signature_required"], True)
        self.assertEqual(body["version"], "19.0.1.0.0")
        server_time = datetime.fromisoformat(body["server_time"])
        self.assertLess(
            abs((datetime.now(timezone.utc) - server_time).total_seconds()), 60
        )
        self.assertNotIn("Set-Cookie", response.headers)

    def test_get_without_secret_in_unsigned_mode(self):
        self.params.set_param(PARAM_WEBHOOK_SECRET, False)
        self.params.set_param(PARAM_WEBHOOK_ALLOW_UNSIGNED, True)
        self.assertIs(
            self.url_open(ROUTE_WEBHOOK_TEST).json()["signature_required"], False
        )

    def test_post_verified(self):
        before = self.snapshot()
        body = b'{"hello": "world", "timestamp": "%s"}' % now_iso(-30).encode()
        response = self.post(
            body=body, route=ROUTE_WEBHOOK_TEST, content_type="text/plain"
        )
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()
        self.assertIs(result["verified"], True)
        self.assertEqual(result["received"]["length"], len(body))
        self.assertEqual(result["received"]["sha256"], hashlib.sha256(body).hexdigest())
        self.assertAlmostEqual(result["timestamp_skew_seconds"], 30, delta=5)
        self.assertEqual(self.snapshot(), before)

    def test_post_not_verified_says_why(self):
        body = b"any body at all"
        cases = {
            "missing_header": None,
            "bad_prefix": "md5=abc",
            "wrong_length": "sha256=abc",
            "mismatch": sign(body, "wrong"),
        }
        for reason, header in cases.items():
            with self.subTest(reason=reason):
                headers = {SIGNATURE_HEADER: header} if header else {}
                with mute_logger(CONTROLLER_LOGGER):
                    response = self.post(
                        body=body,
                        route=ROUTE_WEBHOOK_TEST,
                        signed=False,
                        headers=headers,
                    )
                self.assertEqual(response.status_code, 401)
                error = response.json()["error"]
                self.assertEqual(error["reason"], reason)
                self.assertIs(error["verified"], False)
                self.assertEqual(error["received"]["length"], len(body))
                self.assertEqual(
                    error["received"]["sha256"], hashlib.sha256(body).hexdigest()
                )
                self.assertNotIn(sign(body)[7:], response.text)
                self.assertNotIn(SECRET, response.text)

    def test_post_form_body_is_refused_clearly(self):
        body = b"a=1&b=2"
        with mute_logger(CONTROLLER_LOGGER):
            response = self.post(
                body=body,
                route=ROUTE_WEBHOOK_TEST,
                content_type="application/x-www-form-urlencoded",
            )
        error = self.assertError(response, 415, "unsupported_media_type")
        self.assertIn("application/json", error["message"])

    def test_post_reports_timestamp_skew(self):
        body = json.dumps({"timestamp": now_iso(-1000)}).encode()
        with mute_logger(CONTROLLER_LOGGER):
            response = self.post(body=body, route=ROUTE_WEBHOOK_TEST)
        self.assertEqual(response.status_code, 401)
        error = response.json()["error"]
        self.assertEqual(error["code"], "timestamp_out_of_tolerance")
        self.assertAlmostEqual(error["skew_seconds"], 1000, delta=5)

    def test_every_request_is_logged(self):
        count = self.env["airdoo.webhook.event"].sudo().search_count([])
        self.url_open(ROUTE_WEBHOOK_TEST)
        with mute_logger(CONTROLLER_LOGGER):
            self.post(body=b"x", route=ROUTE_WEBHOOK_TEST, signed=False)
        self.assertEqual(
            self.env["airdoo.webhook.event"].sudo().search_count([]), count + 2
        )


@tagged("post_install", "-at_install")
class TestDeliveryLogRetention(WebhookCase):
    def test_purge_keeps_the_retention_period(self):
        Event = self.env["airdoo.webhook.event"].sudo()
        old, recent = Event.create(
            [
                {"route": ROUTE_WEBHOOK_UPDATE, "http_status": 200},
                {"route": ROUTE_WEBHOOK_UPDATE, "http_status": 401},
            ]
        )
        receipt = (
            self.env["airdoo.webhook.receipt"]
            .sudo()
            .create({"route": ROUTE_WEBHOOK_UPDATE, "key": "sig:old"})
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE airdoo_webhook_event SET create_date = now() - interval '91 days' "
            "WHERE id = %s",
            (old.id,),
        )
        self.env.cr.execute(
            "UPDATE airdoo_webhook_receipt "
            "SET create_date = now() - interval '91 days' WHERE id = %s",
            (receipt.id,),
        )
        self.env.invalidate_all()
        self.env.ref(
            "airdoo.ir_cron_airdoo_webhook_event_purge"
        ).method_direct_trigger()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.assertFalse(receipt.exists())

    def test_retention_setting(self):
        self.params.set_param("airdoo.webhook_log_retention_days", 200)
        Event = self.env["airdoo.webhook.event"].sudo()
        event = Event.create({"route": ROUTE_WEBHOOK_UPDATE, "http_status": 200})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE airdoo_webhook_event SET create_date = now() - interval '150 days' "
            "WHERE id = %s",
            (event.id,),
        )
        Event._cron_purge()
        self.assertTrue(event.exists())

    def test_only_managers_read_the_log(self):
        user = self.env["res.users"].create(
            {
                "name": "AirDoo User",
                "login": "log_reader",
                "group_ids": [(6, 0, [self.env.ref("airdoo.group_airdoo_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["airdoo.webhook.event"].with_user(user).search([])
        manager = self.env["res.users"].create(
            {
                "name": "AirDoo Manager",
                "login": "log_manager",
                "group_ids": [(6, 0, [self.env.ref("airdoo.group_airdoo_manager").id])],
            }
        )
        self.env["airdoo.webhook.event"].with_user(manager).search([])


@tagged("post_install", "-at_install")
class TestWebhookUnexpectedError(WebhookCase):
    def test_a_bug_answers_a_generic_500_and_leaves_nothing_behind(self):
        service = type(self.env["airdoo.webhook.service"])

        def half_done_then_broken(model, update):
            booking = model.env["airdoo.booking"].browse(update.booking_id)
            booking.write({"notes": "half-written"})
            booking.flush_recordset()
            raise RuntimeError("database password is hunter2")

        before = self.snapshot()
        with patch.object(service, "_apply_booking_update", half_done_then_broken):
            with mute_logger(CONTROLLER_LOGGER):
                response = self.post(self.update(new_data={"notes": "x"}))
        error = self.assertError(response, 500, "internal_error")
        self.assertNotIn("hunter2", json.dumps(error))
        self.assertEqual(self.snapshot(), before)
