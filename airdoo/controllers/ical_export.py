from odoo import http
from odoo.http import request

from ..const import ROUTE_ICAL_EXPORT_PATTERN, ROUTE_ICAL_FEED_EXPORT_PATTERN


class AirdooIcalExportController(http.Controller):
    """Public iCal feeds of the accommodations, behind unguessable tokens.

    The feeds carry dates only, with a generic summary: no guest data.
    """

    @http.route(
        ROUTE_ICAL_EXPORT_PATTERN,
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        save_session=False,
        readonly=True,
    )
    def ical_export(self, token, **_kwargs):
        accommodation = (
            request.env["airdoo.accommodation"]
            .sudo()
            .search([("ical_export_token", "=", token)], limit=1)
        )
        if not accommodation:
            return request.not_found()
        return self._calendar_response(accommodation._ical_export(), accommodation)

    @http.route(
        ROUTE_ICAL_FEED_EXPORT_PATTERN,
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        save_session=False,
        readonly=True,
    )
    def ical_feed_export(self, token, **_kwargs):
        feed = (
            request.env["airdoo.calendar.feed"]
            .sudo()
            .search([("export_token", "=", token)], limit=1)
        )
        if not feed:
            return request.not_found()
        accommodation = feed.accommodation_id
        return self._calendar_response(
            accommodation._ical_export(exclude_feed=feed), accommodation
        )

    def _calendar_response(self, body, accommodation):
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                (
                    "Content-Disposition",
                    f'inline; filename="airdoo-{accommodation.id}.ics"',
                ),
                ("Cache-Control", "no-cache"),
            ],
        )
