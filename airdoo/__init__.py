from . import controllers
from . import models


def uninstall_hook(env):
    """Remove AirDoo's system parameters, the webhook secrets among them."""
    env["ir.config_parameter"].sudo().search([("key", "=like", "airdoo.%")]).unlink()
