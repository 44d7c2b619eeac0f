from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..const import (
    DEFAULT_CALENDAR_SYNC_INTERVAL,
    DEFAULT_WEBHOOK_LOG_RETENTION_DAYS,
    DEFAULT_WEBHOOK_MAX_PAYLOAD,
    DEFAULT_WEBHOOK_SECRET_GRACE_HOURS,
    DEFAULT_WEBHOOK_TIMESTAMP_TOLERANCE,
    PARAM_CALENDAR_SYNC_INTERVAL,
    PARAM_WEBHOOK_ALLOW_UNSIGNED,
    PARAM_WEBHOOK_LOG_RETENTION_DAYS,
    PARAM_WEBHOOK_MAX_PAYLOAD,
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_GRACE_HOURS,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
    PARAM_WEBHOOK_TIMESTAMP_TOLERANCE,
    ROUTE_WEBHOOK_TEST,
    ROUTE_WEBHOOK_UPDATE,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The secret is only ever generated, never typed: it is computed from the
    # system parameter rather than saved from the form.
    airdoo_webhook_secret = fields.Char(
        string="Webhook Secret",
        compute="_compute_airdoo_webhook_secret",
        groups="base.group_system",
    )
    airdoo_webhook_secret_reveal = fields.Boolean(
        string="Show Webhook Secret",
        groups="base.group_system",
    )
    airdoo_webhook_signature_enabled = fields.Boolean(
        string="Signature Validation Enabled",
        compute="_compute_airdoo_webhook_secret",
    )
    airdoo_webhook_previous_secret_expiry = fields.Datetime(
        string="Previous Secret Valid Until",
        compute="_compute_airdoo_webhook_secret",
    )
    airdoo_webhook_secret_grace_hours = fields.Integer(
        string="Secret Rotation Grace Period (hours)",
        config_parameter=PARAM_WEBHOOK_SECRET_GRACE_HOURS,
        default=DEFAULT_WEBHOOK_SECRET_GRACE_HOURS,
        help="How long the previous secret stays valid after a new one is "
        "generated, so that senders can switch without rejected deliveries.",
    )
    airdoo_webhook_allow_unsigned = fields.Boolean(
        string="Accept Unsigned Webhooks While No Secret Is Set (testing only)",
        config_parameter=PARAM_WEBHOOK_ALLOW_UNSIGNED,
        help="Never turn this on in production: anyone could change bookings. "
        "It has no effect once a secret exists.",
    )

    airdoo_webhook_timestamp_tolerance = fields.Integer(
        string="Timestamp Tolerance (seconds)",
        config_parameter=PARAM_WEBHOOK_TIMESTAMP_TOLERANCE,
        default=DEFAULT_WEBHOOK_TIMESTAMP_TOLERANCE,
        help="A delivery whose 'timestamp' is further than this from the server "
        "time, in the past or the future, is refused.",
    )
    airdoo_webhook_max_payload_bytes = fields.Integer(
        string="Maximum Body Size (bytes)",
        config_parameter=PARAM_WEBHOOK_MAX_PAYLOAD,
        default=DEFAULT_WEBHOOK_MAX_PAYLOAD,
    )
    airdoo_webhook_log_retention_days = fields.Integer(
        string="Keep Deliveries (days)",
        config_parameter=PARAM_WEBHOOK_LOG_RETENTION_DAYS,
        default=DEFAULT_WEBHOOK_LOG_RETENTION_DAYS,
    )
    airdoo_calendar_sync_interval = fields.Integer(
        string="Calendar Sync Interval (minutes)",
        config_parameter=PARAM_CALENDAR_SYNC_INTERVAL,
        default=DEFAULT_CALENDAR_SYNC_INTERVAL,
    )
    airdoo_webhook_update_url = fields.Char(
        string="Update URL", compute="_compute_airdoo_webhook_urls"
    )
    airdoo_webhook_test_url = fields.Char(
        string="Test URL", compute="_compute_airdoo_webhook_urls"
    )

    def _compute_airdoo_webhook_urls(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for settings in self:
            settings.airdoo_webhook_update_url = base_url + ROUTE_WEBHOOK_UPDATE
            settings.airdoo_webhook_test_url = base_url + ROUTE_WEBHOOK_TEST

    @api.depends_context("uid")
    def _compute_airdoo_webhook_secret(self):
        params = self.env["ir.config_parameter"].sudo()
        secret = params.get_param(PARAM_WEBHOOK_SECRET) or False
        expiry = fields.Datetime.to_datetime(
            params.get_param(PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY) or None
        )
        if expiry and expiry <= fields.Datetime.now():
            expiry = False
        is_system = self.env.user.has_group("base.group_system")
        for settings in self:
            if is_system:
                settings.airdoo_webhook_secret = secret
            settings.airdoo_webhook_signature_enabled = bool(secret)
            settings.airdoo_webhook_previous_secret_expiry = expiry or False

    @api.constrains(
        "airdoo_webhook_secret_grace_hours",
        "airdoo_webhook_timestamp_tolerance",
        "airdoo_webhook_max_payload_bytes",
        "airdoo_webhook_log_retention_days",
    )
    def _check_airdoo_webhook_numbers(self):
        for settings in self:
            # Zero cannot be stored in a setting (it reads back as the
            # default): "Revoke Previous Secret" ends a grace period at once.
            if settings.airdoo_webhook_secret_grace_hours < 1:
                raise ValidationError(
                    _(
                        "The grace period is at least one hour. To stop accepting "
                        "the previous secret at once, use Revoke Previous Secret."
                    )
                )
            if settings.airdoo_webhook_timestamp_tolerance <= 0:
                raise ValidationError(_("The timestamp tolerance must be positive."))
            if settings.airdoo_webhook_max_payload_bytes < 1024:
                raise ValidationError(
                    _("The maximum body size is at least 1024 bytes.")
                )
            if settings.airdoo_calendar_sync_interval < 5:
                raise ValidationError(
                    _("Calendars are synced at most every 5 minutes.")
                )
            if settings.airdoo_webhook_log_retention_days <= 0:
                raise ValidationError(_("Deliveries are kept for at least one day."))

    def set_values(self):
        result = super().set_values()
        # The interval lives in the cron itself, which runs the syncs.
        cron = self.env.ref(
            "airdoo.ir_cron_airdoo_calendar_sync", raise_if_not_found=False
        )
        if cron and self.airdoo_calendar_sync_interval:
            cron.sudo().write(
                {
                    "interval_number": self.airdoo_calendar_sync_interval,
                    "interval_type": "minutes",
                }
            )
        return result

    def action_airdoo_revoke_previous_webhook_secret(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                _("Only system administrators can revoke the webhook secret.")
            )
        self.env["airdoo.webhook.secret"]._revoke_previous()
        return True

    def action_airdoo_generate_webhook_secret(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                _("Only system administrators can generate the webhook secret.")
            )
        self.env["airdoo.webhook.secret"]._generate()
        self.airdoo_webhook_secret_reveal = True
        return True
