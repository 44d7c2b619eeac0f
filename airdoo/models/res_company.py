from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._airdoo_grant_webhook_user()
        return companies

    def _airdoo_grant_webhook_user(self):
        """Let AirDoo's technical user apply deliveries in these companies
        (all companies when called on an empty recordset)."""
        webhook_user = self.env.ref(
            "airdoo.user_airdoo_webhook", raise_if_not_found=False
        )
        if not webhook_user:
            return
        companies = self or self.sudo().search([])
        webhook_user.sudo().company_ids = [(4, company.id) for company in companies]
