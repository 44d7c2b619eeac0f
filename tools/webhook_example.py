"""Print AirDoo's webhook URLs and a signed request to try on a demo database.

Used by ``tools/dev run``. On a database without a webhook secret it
generates one, as the settings button would, so that the printed request
works at once.
"""

import argparse
import hashlib
import hmac
import json
import shlex
import sys


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--base-url", required=True)
    return parser.parse_args()


def main():
    args = parse_args()

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    from odoo.addons.airdoo import const

    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        params = env["ir.config_parameter"]
        secret = params.get_param(const.PARAM_WEBHOOK_SECRET)
        if not secret:
            secret = env["airdoo.webhook.secret"]._generate()
        booking = env.ref("airdoo.booking_demo_loft_next", raise_if_not_found=False)
        if not booking or booking.state == "cancelled":
            booking = env["airdoo.booking"].search(
                [("state", "not in", ("cancelled", "completed"))], limit=1
            )
        booking_id = booking.id
        cr.commit()

    base = args.base_url.rstrip("/")
    print("    Webhooks (docs/webhooks.md):")
    print(f"      update         POST {base}{const.ROUTE_WEBHOOK_UPDATE}")
    print(f"      calendar sync  POST {base}{const.ROUTE_WEBHOOK_CALENDAR_SYNC}")
    print(f"      test           GET/POST {base}{const.ROUTE_WEBHOOK_TEST}")
    print("    Webhook secret of this demo database (AirDoo > Configuration > ")
    print(f"    Settings shows it too): {secret}")
    if not booking_id:
        return 0
    payload = {
        "event_type": "modified",
        "booking_id": booking_id,
        "new_data": {"notes": "Arriving late, around 22:00"},
        "reason": "Message from the guest",
    }
    body = json.dumps(payload, separators=(",", ":"))
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    print(f"    Try it on demo booking {booking_id} (paste into a shell):")
    print(f"      curl -sS -X POST {shlex.quote(base + const.ROUTE_WEBHOOK_UPDATE)} \\")
    print("        -H 'Content-Type: application/json' \\")
    print(f"        -H '{const.SIGNATURE_HEADER}: {const.SIGNATURE_PREFIX}{digest}' \\")
    print(f"        --data-raw {shlex.quote(body)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
