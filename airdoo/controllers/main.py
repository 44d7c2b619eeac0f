import hashlib
import json
import logging
import time
from datetime import datetime, timezone

import psycopg2
from werkzeug.exceptions import RequestEntityTooLarge

from odoo import SUPERUSER_ID, api, http
from odoo.exceptions import ConcurrencyError
from odoo.http import request
from odoo.modules.module import get_manifest

from ..const import (
    DEFAULT_WEBHOOK_MAX_PAYLOAD,
    DEFAULT_WEBHOOK_TIMESTAMP_TOLERANCE,
    IDEMPOTENCY_HEADER,
    PARAM_WEBHOOK_MAX_PAYLOAD,
    PARAM_WEBHOOK_TIMESTAMP_TOLERANCE,
    REPLAY_HEADER,
    ROUTE_WEBHOOK_CALENDAR_SYNC,
    ROUTE_WEBHOOK_TEST,
    ROUTE_WEBHOOK_UPDATE,
    SIGNATURE_HEADER,
    WEBHOOK_LOG_BODY_LIMIT,
)
from ..lib import signature
from ..lib.errors import WebhookError
from ..lib.payload import (
    check_timestamp_field,
    is_integer,
    parse_booking_update,
    parse_calendar_sync,
    parse_json_object,
)
from ..models.params import positive_int_param

_logger = logging.getLogger(__name__)

# Database errors that Odoo answers by running the whole request again.
RETRYABLE_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    ConcurrencyError,
)

MAX_IDEMPOTENCY_KEY_LENGTH = 255

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Delivery:
    """What the delivery log records about one request, filled in as the
    request goes through the pipeline."""

    def __init__(self, route):
        httprequest = request.httprequest
        self.route = route
        self.method = httprequest.method
        self.remote_addr = httprequest.remote_addr
        self.started = time.monotonic()
        self.body = b""
        self.signature_status = "not_checked"
        self.event_type = None
        self.booking_ref = None
        self.accommodation_id = None
        self.error = None
        self.payload = None
        self.signature_message = None
        self.replay_key = None


class AirdooWebhookController(http.Controller):
    """Receives signed deliveries from the owner's website.

    Each route runs the same pipeline: size, media type, signature (before
    anything is parsed or read), JSON, timestamp, replay, then the change
    itself in a savepoint. Every outcome is answered in one JSON shape and
    recorded in the delivery log.
    """

    @http.route(
        ROUTE_WEBHOOK_UPDATE,
        type="http",
        auth="public",
        csrf=False,
        save_session=False,
    )
    def webhook_update(self, **_kwargs):
        return self._serve(ROUTE_WEBHOOK_UPDATE, ("POST",), self._handle_update)

    @http.route(
        ROUTE_WEBHOOK_CALENDAR_SYNC,
        type="http",
        auth="public",
        csrf=False,
        save_session=False,
    )
    def webhook_calendar_sync(self, **_kwargs):
        return self._serve(
            ROUTE_WEBHOOK_CALENDAR_SYNC, ("POST",), self._handle_calendar_sync
        )

    @http.route(
        ROUTE_WEBHOOK_TEST,
        type="http",
        auth="public",
        csrf=False,
        save_session=False,
    )
    def webhook_test(self, **_kwargs):
        return self._serve(ROUTE_WEBHOOK_TEST, ("GET", "POST"), self._handle_test)

    # ------------------------------------------------------------
    # Pipeline
    # ------------------------------------------------------------

    def _serve(self, route, methods, handler):
        delivery = Delivery(route)
        try:
            if request.httprequest.method not in methods:
                raise WebhookError(
                    405,
                    "method_not_allowed",
                    f"Use {' or '.join(methods)} on {route}.",
                    headers={"Allow": ", ".join(methods)},
                )
            status, body, headers = handler(delivery)
        except WebhookError as error:
            delivery.error = error
            status, body, headers = error.status, error.to_dict(), error.headers
            _logger.warning(
                "Webhook %s %s refused from %s: %s %s - %s",
                delivery.method,
                route,
                delivery.remote_addr,
                error.status,
                error.code,
                error.message,
            )
        except RETRYABLE_ERRORS:
            # Odoo runs the request again in a new transaction; the attempt
            # that lost the race is not a delivery of its own.
            raise
        except Exception:
            _logger.exception("Webhook %s %s failed", delivery.method, route)
            delivery.error = WebhookError(500, "internal_error", "Internal error.")
            status, body, headers = 500, delivery.error.to_dict(), {}
        response = self._json_response(status, body, headers)
        self._log_delivery(delivery, status, body)
        return response

    def _handle_update(self, delivery):
        payload = self._authenticate(delivery)
        # Recorded as early as possible, so that the log shows what a refused
        # or replayed delivery was about.
        if isinstance(payload.get("event_type"), str):
            delivery.event_type = payload["event_type"]
        if is_integer(payload.get("booking_id")):
            delivery.booking_ref = payload["booking_id"]
        if replay := self._find_replay(delivery):
            return replay
        update = parse_booking_update(payload)
        return self._apply_once(
            delivery,
            lambda env: env["airdoo.webhook.service"]._apply_booking_update(update),
        )

    def _handle_calendar_sync(self, delivery):
        payload = self._authenticate(delivery)
        if isinstance(payload.get("action"), str):
            delivery.event_type = payload["action"]
        if is_integer(payload.get("accommodation_id")):
            delivery.accommodation_id = payload["accommodation_id"]
        if replay := self._find_replay(delivery):
            return replay
        sync_request = parse_calendar_sync(payload)
        return self._apply_once(
            delivery,
            lambda env: env["airdoo.webhook.service"]._queue_calendar_sync(
                sync_request
            ),
        )

    def _handle_test(self, delivery):
        env = request.env
        secrets = env["airdoo.webhook.secret"]
        info = {
            "signature_required": not secrets._is_unsigned_allowed(),
            "server_time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "version": get_manifest("airdoo")["version"],
        }
        if request.httprequest.method == "GET":
            body = {
                "success": True,
                "message": "The AirDoo webhook endpoint is reachable. POST a signed "
                "body here to check your signature.",
                **info,
            }
            return 200, body, {}

        # POST: check the signature as the update route would, and tell why.
        if request.httprequest.mimetype in FORM_MIMETYPES:
            # Odoo decodes form bodies before any controller runs: the raw
            # bytes, which the signature covers, are gone by now.
            raise WebhookError(
                415,
                "unsupported_media_type",
                "Form bodies cannot be checked: send the body as "
                "'Content-Type: application/json' (or text/plain).",
            )
        received = self._read_body(delivery)
        received_info = {
            "length": len(received),
            "sha256": hashlib.sha256(received).hexdigest(),
        }
        try:
            self._check_signature(delivery)
            skew = self._check_body_timestamp(delivery)
        except WebhookError as error:
            error.details = {
                **error.details,
                "verified": False,
                "received": received_info,
            }
            raise
        body = {
            "success": True,
            "verified": delivery.signature_status == "valid",
            "signature_status": delivery.signature_status,
            "message": delivery.signature_message,
            "timestamp_skew_seconds": skew,
            "received": received_info,
            **info,
        }
        return 200, body, {}

    # ------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------

    def _authenticate(self, delivery):
        """Size, media type and signature, then the JSON and its timestamp.

        :return: the decoded JSON object
        """
        self._read_body(delivery)
        if request.httprequest.mimetype != "application/json":
            raise WebhookError(
                415,
                "unsupported_media_type",
                "Send the body as JSON with 'Content-Type: application/json'.",
            )
        self._check_signature(delivery)
        self._check_body_timestamp(delivery)
        return delivery.payload

    def _read_body(self, delivery):
        """Read the raw body, refusing it past the size limit.

        The bytes stay cached on the request: if Odoo runs the request again
        after a serialization failure, they are read from there.
        """
        httprequest = request.httprequest
        limit = positive_int_param(
            request.env, PARAM_WEBHOOK_MAX_PAYLOAD, DEFAULT_WEBHOOK_MAX_PAYLOAD
        )
        too_large = WebhookError(
            413,
            "payload_too_large",
            f"The body is larger than the limit of {limit} bytes.",
        )
        if (httprequest.content_length or 0) > limit:
            raise too_large
        httprequest.max_content_length = limit
        try:
            body = httprequest.get_data(cache=True)
        except RequestEntityTooLarge:
            raise too_large from None
        if len(body) > limit:
            raise too_large
        delivery.body = body
        return body

    def _check_signature(self, delivery):
        secrets = request.env["airdoo.webhook.secret"]
        header = request.httprequest.headers.get(SIGNATURE_HEADER)
        valid_secrets = secrets._get_valid_secrets()
        if not valid_secrets:
            if not secrets._is_unsigned_allowed():
                raise WebhookError(
                    403,
                    "webhook_secret_not_configured",
                    "No webhook secret is configured. Generate one in AirDoo > "
                    "Configuration > Settings > Webhook Settings.",
                )
            delivery.signature_status = "unsigned"
            delivery.signature_message = (
                "No secret is configured and unsigned mode is on: the delivery "
                "was not authenticated."
            )
            _logger.warning(
                "Webhook %s from %s accepted UNSIGNED: unsigned mode is on and no "
                "secret is configured",
                delivery.route,
                delivery.remote_addr,
            )
            return
        check = signature.verify(delivery.body, header, valid_secrets)
        delivery.signature_status = check.status
        if not check.ok:
            code = (
                "missing_signature"
                if check.status == signature.MISSING
                else "invalid_signature"
            )
            raise WebhookError(
                401, code, check.message, details={"reason": check.reason}
            )
        delivery.signature_message = check.message

    def _check_body_timestamp(self, delivery):
        """Refuse a stale or future ``timestamp``; return the skew or None."""
        try:
            delivery.payload = parse_json_object(delivery.body)
        except WebhookError:
            if delivery.route == ROUTE_WEBHOOK_TEST:
                return None
            raise
        value = check_timestamp_field(delivery.payload)
        if value is None:
            return None
        try:
            skew = signature.timestamp_skew(value, datetime.now(timezone.utc))
        except ValueError:
            raise WebhookError(
                400,
                "invalid_payload",
                "The field 'timestamp' must be an ISO 8601 date and time, "
                "e.g. 2026-03-15T15:00:00Z.",
            ) from None
        tolerance = positive_int_param(
            request.env,
            PARAM_WEBHOOK_TIMESTAMP_TOLERANCE,
            DEFAULT_WEBHOOK_TIMESTAMP_TOLERANCE,
        )
        if abs(skew) > tolerance:
            direction = "old" if skew > 0 else "in the future"
            raise WebhookError(
                401,
                "timestamp_out_of_tolerance",
                f"The timestamp is {abs(round(skew))} seconds {direction}; at most "
                f"{tolerance} seconds are accepted. Check the sender's clock and "
                "send the current time.",
                details={"skew_seconds": round(skew)},
            )
        return round(skew)

    # ------------------------------------------------------------
    # Replay protection
    # ------------------------------------------------------------

    def _replay_key(self, delivery):
        """The Idempotency-Key when sent, else the signature (or, unsigned,
        a hash of the body)."""
        headers = request.httprequest.headers
        if key := (headers.get(IDEMPOTENCY_HEADER) or "").strip():
            if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
                raise WebhookError(
                    400,
                    "invalid_payload",
                    f"The {IDEMPOTENCY_HEADER} header is longer than "
                    f"{MAX_IDEMPOTENCY_KEY_LENGTH} characters.",
                )
            return f"key:{key}"
        if delivery.signature_status == "valid":
            return "sig:" + headers.get(SIGNATURE_HEADER).strip().lower()
        return "body:" + hashlib.sha256(delivery.body).hexdigest()

    def _receipt_response(self, delivery, receipt):
        delivery.signature_status = "replay"
        body = json.loads(receipt.response_body)
        return receipt.http_status, body, {REPLAY_HEADER: "true"}

    def _find_replay(self, delivery):
        delivery.replay_key = self._replay_key(delivery)
        receipt = self._find_receipt(request.env, delivery)
        return receipt and self._receipt_response(delivery, receipt)

    def _find_receipt(self, env, delivery):
        return (
            env["airdoo.webhook.receipt"]
            .sudo()
            .search([("route", "=", delivery.route), ("key", "=", delivery.replay_key)])
        )

    def _apply_once(self, delivery, apply):
        """Apply a delivery and write its receipt, in one savepoint.

        A twin delivery running at the same time waits on the receipt's
        unique key, then answers with the first one's response.
        """
        env = self._webhook_env()
        cr = env.cr
        try:
            with cr.savepoint():
                receipt = (
                    env["airdoo.webhook.receipt"]
                    .sudo()
                    .create({"route": delivery.route, "key": delivery.replay_key})
                )
                receipt.flush_recordset()
                status, body = apply(env)
                receipt.write(
                    {"http_status": status, "response_body": json.dumps(body)}
                )
                receipt.flush_recordset()
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.constraint_name != "airdoo_webhook_receipt_unique_route_key":
                raise
            # The twin committed first; this transaction's snapshot cannot see
            # its receipt, a fresh one can.
            with env.registry.cursor() as fresh_cr:
                fresh_env = api.Environment(fresh_cr, SUPERUSER_ID, {})
                receipt = self._find_receipt(fresh_env, delivery)
                if not receipt:
                    raise ConcurrencyError("twin delivery still in progress") from None
                return self._receipt_response(delivery, receipt)
        return status, body, {}

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _webhook_env(self):
        """The environment of AirDoo's technical user, in all its companies."""
        user = request.env.ref("airdoo.user_airdoo_webhook").sudo()
        return request.env(
            user=user.id,
            su=False,
            context={"allowed_company_ids": user.company_ids.ids, "lang": "en_US"},
        )

    def _json_response(self, status, body, headers):
        response = request.make_json_response(body, status=status)
        for name, value in headers.items():
            response.headers[name] = value
        response.headers["Cache-Control"] = "no-store"
        return response

    def _log_delivery(self, delivery, status, body):
        """Record the delivery in a transaction of its own."""
        body_text = delivery.body[:WEBHOOK_LOG_BODY_LIMIT].decode("utf-8", "replace")
        error = delivery.error
        values = {
            "route": delivery.route,
            "method": delivery.method,
            "event_type": (delivery.event_type or "")[:64] or False,
            "booking_ref": delivery.booking_ref or 0,
            "accommodation_id": delivery.accommodation_id,
            "http_status": status,
            "error_code": error.code if error else False,
            "error_message": error.message[:500] if error else False,
            "signature_status": delivery.signature_status,
            "remote_addr": delivery.remote_addr,
            "duration_ms": (time.monotonic() - delivery.started) * 1000,
            "request_body": body_text,
            "request_size": len(delivery.body),
            "request_truncated": len(delivery.body) > WEBHOOK_LOG_BODY_LIMIT,
            "response_body": json.dumps(body),
        }
        try:
            with request.env.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                if delivery.booking_ref:
                    booking = (
                        env["airdoo.booking"].browse(delivery.booking_ref).exists()
                    )
                    values["booking_id"] = booking.id
                    if booking and not values["accommodation_id"]:
                        values["accommodation_id"] = booking.accommodation_id.id
                if values["accommodation_id"]:
                    values["accommodation_id"] = (
                        env["airdoo.accommodation"]
                        .browse(values["accommodation_id"])
                        .exists()
                        .id
                    )
                env["airdoo.webhook.event"].create(values)
        except Exception:
            # The answer to the sender matters more than its log line.
            _logger.exception("Could not record the webhook delivery in the log")
