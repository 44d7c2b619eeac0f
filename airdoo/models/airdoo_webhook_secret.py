import secrets
from datetime import timedelta

from odoo import api, fields, models

from ..const import (
    DEFAULT_WEBHOOK_SECRET_GRACE_HOURS,
    PARAM_WEBHOOK_ALLOW_UNSIGNED,
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_GRACE_HOURS,
    PARAM_WEBHOOK_SECRET_PREVIOUS,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
    WEBHOOK_SECRET_BYTES,
)
from .params import positive_int_param


class AirdooWebhookSecret(models.AbstractModel):
    """The shared secret that signs webhook deliveries, and its rotation.

    The secret lives in system parameters, readable by system administrators
    only. Rotating it keeps the previous one valid for a grace period, so a
    sender can switch without rejected deliveries.
    """

    _name = "airdoo.webhook.secret"
    _description = "AirDoo Webhook Secret"

    @api.model
    def _get_params(self):
        return self.env["ir.config_parameter"].sudo()

    @api.model
    def _generate(self):
        """Create a new secret; the current one becomes the previous one.

        :return: the new secret
        """
        params = self._get_params()
        current = params.get_param(PARAM_WEBHOOK_SECRET)
        new_secret = secrets.token_urlsafe(WEBHOOK_SECRET_BYTES)
        if current:
            hours = positive_int_param(
                self.env,
                PARAM_WEBHOOK_SECRET_GRACE_HOURS,
                DEFAULT_WEBHOOK_SECRET_GRACE_HOURS,
            )
            expiry = fields.Datetime.now() + timedelta(hours=hours)
            params.set_param(PARAM_WEBHOOK_SECRET_PREVIOUS, current)
            params.set_param(
                PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY, fields.Datetime.to_string(expiry)
            )
        params.set_param(PARAM_WEBHOOK_SECRET, new_secret)
        return new_secret

    @api.model
    def _revoke_previous(self):
        """Stop accepting the previous secret now, grace period or not."""
        params = self._get_params()
        params.set_param(PARAM_WEBHOOK_SECRET_PREVIOUS, False)
        params.set_param(PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY, False)

    @api.model
    def _get_valid_secrets(self, now=None):
        """Return the secrets a signature may be made with, newest first.

        :param datetime now: the time to judge the grace period at (UTC)
        :return: a list of zero, one or two secrets as bytes
        """
        params = self._get_params()
        now = now or fields.Datetime.now()
        valid = []
        if current := params.get_param(PARAM_WEBHOOK_SECRET):
            valid.append(current.encode())
        previous = params.get_param(PARAM_WEBHOOK_SECRET_PREVIOUS)
        expiry = fields.Datetime.to_datetime(
            params.get_param(PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY) or None
        )
        if previous and expiry and now < expiry:
            valid.append(previous.encode())
        return valid

    @api.model
    def _is_unsigned_allowed(self):
        """Unsigned deliveries are accepted only with no secret and the
        explicit testing switch on."""
        params = self._get_params()
        return not params.get_param(PARAM_WEBHOOK_SECRET) and bool(
            params.get_param(PARAM_WEBHOOK_ALLOW_UNSIGNED)
        )
