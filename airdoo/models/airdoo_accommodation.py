from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..const import (
    ROUTE_ICAL_EXPORT,
)
from ..lib import ical
from .tokens import fill_missing_tokens, new_token

# Exports start this many days back: channels only care about what comes.
EXPORT_PAST_DAYS = 30
ICAL_PRODID = "-//AirDoo//Holiday Rental Calendar//EN"


class AirdooAccommodation(models.Model):
    _name = "airdoo.accommodation"
    _description = "Holiday Rental Accommodation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    listing_name = fields.Char(
        help="The name under which the accommodation is listed on the channels "
        "(Airbnb, Booking.com, Vrbo).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Manager",
        default=lambda self: self.env.user,
        tracking=True,
        help="Receives the activities AirDoo schedules for this accommodation.",
    )
    color = fields.Integer()
    description = fields.Html()

    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one(
        "res.country.state",
        string="State",
        domain="[('country_id', '=?', country_id)]",
    )
    country_id = fields.Many2one("res.country", string="Country")

    checkin_time = fields.Float(
        string="Check-in Time",
        default=16.0,
        help="Hour from which guests can arrive, in the accommodation's local time.",
    )
    checkout_time = fields.Float(
        string="Check-out Time",
        default=10.0,
        help="Hour by which guests leave, in the accommodation's local time.",
    )
    min_stay = fields.Integer(
        string="Minimum Stay",
        default=1,
        help="Minimum number of nights of a booking.",
    )
    max_guests = fields.Integer(
        string="Maximum Guests",
        help="Maximum number of guests (babies excluded). Zero means no limit.",
    )

    booking_ids = fields.One2many(
        "airdoo.booking", "accommodation_id", string="Bookings"
    )
    booking_count = fields.Integer(compute="_compute_booking_counts")
    upcoming_booking_count = fields.Integer(compute="_compute_booking_counts")

    feed_ids = fields.One2many(
        "airdoo.calendar.feed", "accommodation_id", string="Calendar Feeds"
    )
    calendar_sync_state = fields.Selection(
        [("idle", "Idle"), ("queued", "Queued"), ("syncing", "Syncing")],
        default="idle",
        required=True,
        readonly=True,
        copy=False,
    )
    calendar_conflict_count = fields.Integer(compute="_compute_calendar_conflict_count")
    # Set at creation, never as a column default: existing rows would all
    # share one value.
    ical_export_token = fields.Char(
        copy=False,
        groups="airdoo.group_airdoo_manager",
    )
    ical_export_url = fields.Char(
        string="Calendar Export URL",
        compute="_compute_ical_export_url",
        groups="airdoo.group_airdoo_manager",
        help="Every booking and blocked date of this accommodation, without "
        "guest data, as an iCal feed for calendars and channels.",
    )

    _check_times = models.Constraint(
        "CHECK (checkin_time >= 0 AND checkin_time < 24 "
        "AND checkout_time >= 0 AND checkout_time < 24)",
        "Check-in and check-out times must be hours between 00:00 and 23:59.",
    )
    _check_min_stay = models.Constraint(
        "CHECK (min_stay >= 1)",
        "The minimum stay is at least one night.",
    )
    _unique_ical_export_token = models.Constraint(
        "UNIQUE (ical_export_token)", "Export tokens must be unique."
    )
    _check_max_guests = models.Constraint(
        "CHECK (max_guests >= 0)",
        "The maximum number of guests cannot be negative.",
    )

    def init(self):
        fill_missing_tokens(self.env.cr, self._table, "ical_export_token")

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    def _compute_booking_counts(self):
        Booking = self.env["airdoo.booking"]
        today = fields.Date.context_today(self)
        all_counts = dict(
            Booking._read_group(
                [("accommodation_id", "in", self.ids)],
                ["accommodation_id"],
                ["__count"],
            )
        )
        upcoming_counts = dict(
            Booking._read_group(
                [
                    ("accommodation_id", "in", self.ids),
                    ("state", "in", ("confirmed", "modified")),
                    ("checkout_date", ">", today),
                ],
                ["accommodation_id"],
                ["__count"],
            )
        )
        for accommodation in self:
            accommodation.booking_count = all_counts.get(accommodation, 0)
            accommodation.upcoming_booking_count = upcoming_counts.get(accommodation, 0)

    def _compute_calendar_conflict_count(self):
        counts = dict(
            self.env["airdoo.calendar.conflict"]._read_group(
                [("accommodation_id", "in", self.ids), ("state", "=", "open")],
                ["accommodation_id"],
                ["__count"],
            )
        )
        for accommodation in self:
            accommodation.calendar_conflict_count = counts.get(accommodation, 0)

    @api.depends("ical_export_token")
    def _compute_ical_export_url(self):
        base_url = self.get_base_url()
        for accommodation in self:
            accommodation.ical_export_url = base_url + ROUTE_ICAL_EXPORT.format(
                token=accommodation.ical_export_token
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("max_guests")
    def _check_bookings_within_max_guests(self):
        for accommodation in self.filtered("max_guests"):
            maximum = accommodation.max_guests
            too_many = accommodation.booking_ids.filtered(
                lambda b, maximum=maximum: (
                    b.state != "cancelled" and b.guest_count > maximum
                )
            )
            if too_many:
                raise ValidationError(
                    _(
                        "%(accommodation)s already has bookings for more than "
                        "%(max)s guests: %(bookings)s.",
                        accommodation=accommodation.display_name,
                        max=maximum,
                        bookings=", ".join(too_many.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("ical_export_token", new_token())
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_view_bookings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "airdoo.airdoo_booking_action"
        )
        action["domain"] = [("accommodation_id", "=", self.id)]
        action["context"] = {
            "default_accommodation_id": self.id,
            "search_default_filter_not_cancelled": 1,
        }
        return action

    def action_sync_calendars(self):
        results = self.feed_ids.filtered("active")._sync()
        return self.env["airdoo.calendar.feed"]._sync_notification(results)

    def action_rotate_ical_token(self):
        for accommodation in self:
            accommodation.ical_export_token = new_token()

    def action_view_calendar_conflicts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "airdoo.airdoo_calendar_conflict_action"
        )
        action["domain"] = [("accommodation_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _request_calendar_sync(self):
        """Queue a sync of the accommodation's feeds through the sync cron.

        Requests for an accommodation already queued or syncing coalesce into
        the pending run.

        :return: True when a new run was queued
        """
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE airdoo_accommodation SET calendar_sync_state = 'queued' "
                "WHERE id = %s AND calendar_sync_state = 'idle' RETURNING id",
                self.id,
            )
        )
        queued = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["calendar_sync_state"])
        if queued:
            self.env.ref("airdoo.ir_cron_airdoo_calendar_sync").sudo()._trigger()
        return queued

    def _ical_export(self, exclude_feed=None):
        """The accommodation's nights as an iCal feed, without guest data.

        :param exclude_feed: leave out the bookings imported from this feed,
            so that a channel is never fed its own reservations back
        :return: the calendar as bytes
        """
        self.ensure_one()
        since = fields.Date.context_today(self) - timedelta(days=EXPORT_PAST_DAYS)
        domain = [
            ("accommodation_id", "=", self.id),
            ("state", "!=", "cancelled"),
            ("checkout_date", ">=", since),
        ]
        if exclude_feed:
            domain.append(("feed_id", "!=", exclude_feed.id))
        bookings = (
            self.env["airdoo.booking"].sudo().search(domain, order="checkin_date, id")
        )
        database_uuid = (
            self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        )
        events = [
            ical.ExportEvent(
                uid=f"airdoo-booking-{booking.id}-{database_uuid[:8]}@airdoo",
                checkin=booking.checkin_date,
                checkout=booking.checkout_date,
                summary="Not available"
                if booking.booking_type == "block"
                else "Reserved",
            )
            for booking in bookings
        ]
        return ical.build_calendar(
            events, prodid=ICAL_PRODID, name=self.listing_name or self.name
        )

    def action_view_upcoming_bookings(self):
        action = self.action_view_bookings()
        action["context"] = dict(action["context"], search_default_filter_upcoming=1)
        return action
