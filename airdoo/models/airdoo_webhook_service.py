from datetime import date

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.errors import WebhookError, invalid_value
from ..lib.payload import EVENT_CANCELLED
from .airdoo_booking import _RANGE_RE

# How each field of new_data is named in the booking's chatter.
CHANGE_LABELS = {
    "checkin_date": "Check-in",
    "checkout_date": "Check-out",
    "guest_count": "Guests",
    "adults": "Adults",
    "children": "Children",
    "babies": "Babies",
    "notes": "Notes",
}


class AirdooWebhookService(models.AbstractModel):
    """Applies webhook deliveries to bookings.

    Called with the environment of AirDoo's technical user. Every refusal is a
    :class:`WebhookError`; the caller runs each delivery in a savepoint, so a
    refusal leaves nothing behind.
    """

    _name = "airdoo.webhook.service"
    _description = "AirDoo Webhook Service"

    @api.model
    def _get_booking(self, booking_id):
        booking = self.env["airdoo.booking"].search([("id", "=", booking_id)])
        if not booking:
            raise WebhookError(
                404, "booking_not_found", f"No booking with id {booking_id}."
            )
        return booking

    @api.model
    def _apply_booking_update(self, update):
        """Apply a validated update to its booking.

        :param update: a :class:`~odoo.addons.airdoo.lib.payload.BookingUpdate`
        :return: the HTTP status and body of the answer
        """
        booking = self._get_booking(update.booking_id)
        if update.event_type == EVENT_CANCELLED:
            updated = self._cancel(booking, update.reason)
            message = "Booking cancelled" if updated else "Booking already cancelled"
        else:
            updated = self._modify(booking, update.new_data, update.reason)
            message = "Booking updated" if updated else "Booking unchanged"
        return 200, {
            "success": True,
            "updated": updated,
            "message": message,
            "booking_id": booking.id,
            "new_status": booking.state,
        }

    @api.model
    def _queue_calendar_sync(self, sync_request):
        """Queue a sync of an accommodation's calendar feeds.

        :param sync_request: a
            :class:`~odoo.addons.airdoo.lib.payload.CalendarSyncRequest`
        :return: the HTTP status and body of the answer
        """
        accommodation_id = sync_request.accommodation_id
        accommodation = self.env["airdoo.accommodation"].search(
            [("id", "=", accommodation_id)]
        )
        if not accommodation:
            raise WebhookError(
                404,
                "accommodation_not_found",
                f"No accommodation with id {accommodation_id}.",
            )
        feeds = accommodation.feed_ids.filtered("active")
        if feeds:
            # The technical user may read accommodations, not edit them:
            # queuing only flips the sync flag and wakes the cron.
            accommodation.sudo()._request_calendar_sync()
        return 202, {
            "success": True,
            "accommodation_id": accommodation.id,
            "status": "queued",
            "feeds": len(feeds),
        }

    # ------------------------------------------------------------
    # Changes
    # ------------------------------------------------------------

    def _cancel(self, booking, reason):
        if booking.state == "cancelled":
            return False
        old_state = booking.state
        booking.with_context(mail_notrack=True).state = "cancelled"
        self._post_change_note(
            booking,
            "Cancelled by the website.",
            reason,
            [("Status", self._state_label(booking, old_state), "Cancelled")],
        )
        return True

    def _modify(self, booking, new_data, reason):
        if booking.state == "cancelled":
            raise WebhookError(
                409,
                "booking_cancelled",
                f"Booking {booking.id} is cancelled and cannot be modified; "
                "create a new booking instead.",
            )
        changes = {
            name: value
            for name, value in new_data.items()
            if (booking[name] or False) != (value or False)
        }
        if not changes:
            return False

        checkin = changes.get("checkin_date", booking.checkin_date)
        checkout = changes.get("checkout_date", booking.checkout_date)
        if checkout <= checkin:
            raise invalid_value(
                f"The check-out date ({checkout}) must be after the check-in "
                f"date ({checkin})."
            )
        if "checkin_date" in changes or "checkout_date" in changes:
            clash = self.env["airdoo.booking"]._search_overlapping(
                booking.accommodation_id.id, checkin, checkout, booking.ids
            )[:1]
            if clash:
                raise self._conflict(
                    checkin, checkout, clash.checkin_date, clash.checkout_date
                )

        old_values = {name: booking[name] for name in changes}
        old_state = booking.state
        try:
            with self.env.cr.savepoint():
                booking.with_context(mail_notrack=True).write(
                    dict(changes, state="modified")
                )
                booking.flush_recordset()
        except psycopg2.errors.ExclusionViolation as error:
            # A concurrent delivery took these nights first.
            ranges = _RANGE_RE.findall(error.diag.message_detail or "")
            clash = ranges[-1] if ranges else (None, None)
            raise self._conflict(checkin, checkout, *clash) from None
        except ValidationError as error:
            raise invalid_value(str(error)) from None

        lines = [
            (CHANGE_LABELS[name], old_values[name], booking[name]) for name in changes
        ]
        if old_state != booking.state:
            lines.append(
                (
                    "Status",
                    self._state_label(booking, old_state),
                    self._state_label(booking, booking.state),
                )
            )
        self._post_change_note(booking, "Updated by the website.", reason, lines)
        return True

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _conflict(self, checkin, checkout, clash_checkin=None, clash_checkout=None):
        message = (
            f"The dates {checkin} to {checkout} overlap another booking of this "
            "accommodation"
        )
        if clash_checkin and clash_checkout:
            message += f" (from {clash_checkin} to {clash_checkout}, check-out day)"
        return WebhookError(409, "booking_conflict", message + ".")

    @api.model
    def _state_label(self, booking, state):
        return dict(booking._fields["state"]._description_selection(self.env))[state]

    @api.model
    def _post_change_note(self, booking, title, reason, lines):
        """One chatter message: why, and each old -> new value."""

        def show(value):
            if isinstance(value, date):
                return fields.Date.to_string(value)
            return "—" if value in (False, None, "") else str(value)

        items = Markup("").join(
            Markup("<li>%s: %s → %s</li>") % (label, show(old), show(new))
            for label, old, new in lines
        )
        body = Markup("<p>%s</p>") % title
        if reason:
            body += Markup("<p>Reason: %s</p>") % reason
        body += Markup("<ul>%s</ul>") % items
        # A log entry, not a post: nobody is notified, which keeps a
        # delivery cheap; the note still shows in the booking's chatter.
        booking._message_log(body=body)
