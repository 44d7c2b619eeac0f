from odoo import fields, models


class AirdooWebhookReceipt(models.Model):
    """The answer given to a delivery that was applied.

    A receipt is written in the same transaction as the change it records, so
    it exists if and only if the change was committed. A unique key makes a
    twin delivery wait for the first one, then answer as it did.
    """

    _name = "airdoo.webhook.receipt"
    _description = "AirDoo Webhook Receipt"
    _log_access = False

    route = fields.Char(required=True)
    key = fields.Char(required=True)
    create_date = fields.Datetime(default=fields.Datetime.now, index=True)
    http_status = fields.Integer()
    response_body = fields.Text()

    _unique_route_key = models.Constraint(
        "UNIQUE (route, key)", "This delivery was already processed."
    )
