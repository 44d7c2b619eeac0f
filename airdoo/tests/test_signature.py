import hashlib
import hmac
import json
import unittest
from datetime import datetime, timedelta, timezone

from odoo.addons.airdoo.lib import signature

SECRET = b"current-secret"
PREVIOUS = b"previous-secret"


def hex_hmac(secret, body):
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class TestSignatureVerifier(unittest.TestCase):
    """The verifier alone, on raw bytes: no HTTP, no database."""

    body = b'{"event_type":"modified","booking_id":456}'

    def test_valid(self):
        check = signature.verify(
            self.body, "sha256=" + hex_hmac(SECRET, self.body), [SECRET]
        )
        self.assertTrue(check.ok)
        self.assertEqual(check.status, signature.VALID)
        self.assertEqual(check.secret_index, 0)

    def test_sign_matches_verify(self):
        header = signature.sign(SECRET, self.body)
        self.assertTrue(header.startswith("sha256="))
        self.assertTrue(signature.verify(self.body, header, [SECRET]).ok)

    def test_uppercase_hex_and_surrounding_spaces_are_accepted(self):
        header = "  sha256=" + hex_hmac(SECRET, self.body).upper() + " "
        self.assertTrue(signature.verify(self.body, header, [SECRET]).ok)

    def test_missing(self):
        for header in (None, ""):
            with self.subTest(header=header):
                check = signature.verify(self.body, header, [SECRET])
                self.assertEqual(check.status, signature.MISSING)
                self.assertEqual(check.reason, signature.REASON_MISSING)

    def test_bad_prefix(self):
        digest = hex_hmac(SECRET, self.body)
        for header in (digest, "sha1=" + digest, "sha512=" + digest, "hmac " + digest):
            with self.subTest(header=header):
                check = signature.verify(self.body, header, [SECRET])
                self.assertEqual(check.status, signature.INVALID)
                self.assertEqual(check.reason, signature.REASON_BAD_PREFIX)

    def test_wrong_length(self):
        digest = hex_hmac(SECRET, self.body)
        for header in ("sha256=", "sha256=" + digest[:-1], "sha256=" + digest + "0"):
            with self.subTest(header=header):
                check = signature.verify(self.body, header, [SECRET])
                self.assertEqual(check.reason, signature.REASON_WRONG_LENGTH)

    def test_not_hexadecimal(self):
        check = signature.verify(self.body, "sha256=" + "z" * 64, [SECRET])
        self.assertEqual(check.reason, signature.REASON_NOT_HEX)

    def test_mismatch(self):
        cases = {
            "other secret": hex_hmac(b"another", self.body),
            "other body": hex_hmac(SECRET, self.body + b" "),
        }
        for name, digest in cases.items():
            with self.subTest(name):
                check = signature.verify(self.body, "sha256=" + digest, [SECRET])
                self.assertEqual(check.status, signature.INVALID)
                self.assertEqual(check.reason, signature.REASON_MISMATCH)

    def test_no_secret_never_verifies(self):
        check = signature.verify(self.body, "sha256=" + hex_hmac(SECRET, self.body), [])
        self.assertEqual(check.reason, signature.REASON_MISMATCH)

    def test_previous_secret_is_accepted_while_listed(self):
        header = "sha256=" + hex_hmac(PREVIOUS, self.body)
        check = signature.verify(self.body, header, [SECRET, PREVIOUS])
        self.assertTrue(check.ok)
        self.assertEqual(check.secret_index, 1)
        self.assertIn("previous secret", check.message)
        # once its grace period is over the caller stops listing it
        self.assertFalse(signature.verify(self.body, header, [SECRET]).ok)

    def test_any_serialization_verifies_byte_for_byte(self):
        payload = {"booking_id": 1, "new_data": {"notes": "Café «ü» \u2028"}}
        bodies = [
            json.dumps(payload).encode(),
            json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode(),
            json.dumps(payload, indent=2, sort_keys=True).encode(),
        ]
        for body in bodies:
            with self.subTest(body=body):
                header = "sha256=" + hex_hmac(SECRET, body)
                self.assertTrue(signature.verify(body, header, [SECRET]).ok)
        # and a signature of one serialization does not verify another
        header = "sha256=" + hex_hmac(SECRET, bodies[0])
        self.assertFalse(signature.verify(bodies[1], header, [SECRET]).ok)

    def test_messages_never_contain_the_expected_digest(self):
        expected = hex_hmac(SECRET, self.body)
        check = signature.verify(self.body, "sha256=" + "0" * 64, [SECRET])
        self.assertNotIn(expected, check.message)
        self.assertNotIn(SECRET.decode(), check.message)


class TestTimestampSkew(unittest.TestCase):
    now = datetime(2026, 3, 15, 15, 0, 0, tzinfo=timezone.utc)

    def test_skew_in_both_directions(self):
        self.assertEqual(
            signature.timestamp_skew("2026-03-15T14:55:00Z", self.now), 300
        )
        self.assertEqual(
            signature.timestamp_skew("2026-03-15T15:01:00Z", self.now), -60
        )

    def test_offsets_and_naive_values(self):
        self.assertEqual(
            signature.timestamp_skew("2026-03-15T16:00:00+01:00", self.now), 0
        )
        # no offset: taken as UTC
        self.assertEqual(signature.timestamp_skew("2026-03-15T15:00:00", self.now), 0)
        self.assertEqual(
            signature.timestamp_skew("2026-03-15T14:59:59.500Z", self.now), 0.5
        )

    def test_rejects_what_is_not_iso_8601(self):
        for value in ("yesterday", "15/03/2026", "", 1773586800, None, "9" * 100):
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    signature.timestamp_skew(value, self.now)

    def test_parse_returns_aware_utc(self):
        moment = signature.parse_timestamp("2026-03-15T15:00:00Z")
        self.assertEqual(moment, self.now)
        self.assertEqual(moment.utcoffset(), timedelta(0))
