from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..const import (
    DEFAULT_WEBHOOK_SECRET_GRACE_HOURS,
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
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
        config_parameter="airdoo.webhook_secret_grace_hours",
        default=DEFAULT_WEBHOOK_SECRET_GRACE_HOURS,
        help="How long the previous secret stays valid after a new one is "
        "generated, so that senders can switch without rejected deliveries.",
    )
    airdoo_webhook_allow_unsigned = fields.Boolean(
        string="Accept Unsigned Webhooks While No Secret Is Set (testing only)",
        config_parameter="airdoo.webhook_allow_unsigned",
        help="Never turn this on in production: anyone could change bookings. "
        "It has no effect once a secret exists.",
    )

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

    @api.constrains("airdoo_webhook_secret_grace_hours")
    def _check_airdoo_webhook_secret_grace_hours(self):
        if any(s.airdoo_webhook_secret_grace_hours < 0 for s in self):
            raise ValidationError(_("The grace period cannot be negative."))

    def action_airdoo_generate_webhook_secret(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                _("Only system administrators can generate the webhook secret.")
            )
        self.env["airdoo.webhook.secret"]._generate()
        self.airdoo_webhook_secret_reveal = True
        return True
