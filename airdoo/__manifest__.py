{
    "name": "AirDoo",
    "version": "19.0.1.0.0",
    "category": "Sales/Holiday Rentals",
    "summary": "Holiday rental bookings driven by signed webhooks, with calendar sync",
    "description": """
Manage holiday rental accommodations and their bookings in Odoo, let the
owner's website drive bookings through signed webhooks, and keep each
accommodation's calendar in step with Airbnb, Booking.com and Vrbo.
""",
    "author": "AirDoo",
    "website": "https://github.com/airdoo/airdoo",
    "license": "LGPL-3",
    "depends": ["mail"],
    "external_dependencies": {"python": ["icalendar", "requests"]},
    "data": [
        "security/airdoo_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/airdoo_webhook_user.xml",
        "views/airdoo_accommodation_views.xml",
        "views/airdoo_webhook_event_views.xml",
        "views/airdoo_calendar_feed_views.xml",
        "views/airdoo_booking_views.xml",
        "views/res_config_settings_views.xml",
        "views/airdoo_menus.xml",
    ],
    "demo": ["demo/airdoo_demo.xml"],
    "uninstall_hook": "uninstall_hook",
    "application": True,
    "installable": True,
}
