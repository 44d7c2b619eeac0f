import logging
from datetime import timedelta

from odoo import api, fields, models

from ..const import DEFAULT_WEBHOOK_LOG_RETENTION_DAYS, PARAM_WEBHOOK_LOG_RETENTION_DAYS
from .params import positive_int_param

_logger = logging.getLogger(__name__)

SIGNATURE_STATUSES = [
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("missing", "Missing"),
    ("unsigned", "Unsigned (testing mode)"),
    ("replay", "Replay"),
    ("not_checked", "Not checked"),
]


class AirdooWebhookEvent(models.Model):
    """One request to a webhook route, accepted or refused.

    Records are written in a transaction of their own, so a delivery stays
    in the log even when the request's own transaction is rolled back.
    """

    _name = "airdoo.webhook.event"
    _description = "AirDoo Webhook Delivery"
    _order = "id desc"
    _rec_name = "route"

    route = fields.Char(required=True, readonly=True)
    method = fields.Char(readonly=True)
    event_type = fields.Char(readonly=True)
    booking_ref = fields.Integer(
        string="Booking ID Sent",
        readonly=True,
        help="The booking_id of the payload, kept even if no such booking exists.",
    )
    booking_id = fields.Many2one(
        "airdoo.booking", readonly=True, index="btree_not_null", ondelete="set null"
    )
    accommodation_id = fields.Many2one(
        "airdoo.accommodation",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    http_status = fields.Integer(string="HTTP Status", readonly=True)
    error_code = fields.Char(readonly=True, index="btree_not_null")
    error_message = fields.Char(readonly=True)
    signature_status = fields.Selection(SIGNATURE_STATUSES, readonly=True)
    remote_addr = fields.Char(string="Remote Address", readonly=True)
    duration_ms = fields.Float(string="Duration (ms)", digits=(16, 1), readonly=True)
    request_body = fields.Text(readonly=True)
    request_size = fields.Integer(string="Request Size (bytes)", readonly=True)
    request_truncated = fields.Boolean(readonly=True)
    response_body = fields.Text(readonly=True)
    is_success = fields.Boolean(
        compute="_compute_is_success", store=True, string="Accepted"
    )

    @api.depends("http_status")
    def _compute_is_success(self):
        for event in self:
            event.is_success = 200 <= event.http_status < 300

    @api.model
    def _cron_purge(self):
        """Delete deliveries and replay receipts past the retention period."""
        days = positive_int_param(
            self.env,
            PARAM_WEBHOOK_LOG_RETENTION_DAYS,
            DEFAULT_WEBHOOK_LOG_RETENTION_DAYS,
        )
        limit = fields.Datetime.now() - timedelta(days=days)
        old_events = self.sudo().search([("create_date", "<", limit)])
        old_receipts = (
            self.env["airdoo.webhook.receipt"]
            .sudo()
            .search([("create_date", "<", limit)])
        )
        count = len(old_events)
        old_events.unlink()
        old_receipts.unlink()
        _logger.info("Purged %s webhook deliveries older than %s days", count, days)
        return count
