import re
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

SOURCES = [
    ("direct", "Direct (website)"),
    ("airbnb", "Airbnb"),
    ("booking_com", "Booking.com"),
    ("vrbo", "Vrbo"),
    ("manual", "Manual"),
    ("other", "Other"),
]

STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("modified", "Modified"),
    ("cancelled", "Cancelled"),
    ("completed", "Completed"),
]

# PostgreSQL reports the two clashing ranges of an exclusion violation as
# "[2026-05-01,2026-05-04)"; the second one belongs to the existing row.
_RANGE_RE = re.compile(r"\[(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})\)")


def _overlap_message(env, diagnostics):
    """Explain an exclusion violation raised by PostgreSQL itself.

    This is what a user sees when two transactions booked the same nights at
    the same time and the database refused the second one.
    """
    ranges = _RANGE_RE.findall((diagnostics and diagnostics.message_detail) or "")
    if len(ranges) < 2:
        return env._("These dates overlap another booking of this accommodation.")
    checkin, checkout = (fields.Date.to_date(value) for value in ranges[-1])
    return env._(
        "These dates overlap another booking of this accommodation, "
        "from %(checkin)s to %(checkout)s (check-out day).",
        checkin=format_date(env, checkin),
        checkout=format_date(env, checkout),
    )


# Fields whose change can make a booking overlap another one.
OVERLAP_FIELDS = {"accommodation_id", "checkin_date", "checkout_date", "state"}


class AirdooBooking(models.Model):
    _name = "airdoo.booking"
    _description = "Holiday Rental Booking"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "checkin_date desc, id desc"
    _rec_names_search = ["name", "confirmation_code", "partner_id.name"]

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: _("New"),
    )
    accommodation_id = fields.Many2one(
        "airdoo.accommodation",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    company_id = fields.Many2one(
        related="accommodation_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )
    partner_id = fields.Many2one("res.partner", string="Guest", tracking=True)
    confirmation_code = fields.Char(
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="The reservation's code on the channel it came from.",
    )
    source = fields.Selection(SOURCES, required=True, default="manual", tracking=True)
    booking_type = fields.Selection(
        [("stay", "Stay"), ("block", "Blocked dates")],
        string="Type",
        required=True,
        default="stay",
        help="Blocked dates hold nights without a guest, such as a channel's "
        "'Not available' days or the owner's own use.",
    )
    feed_id = fields.Many2one(
        "airdoo.calendar.feed",
        string="Imported From",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    external_uid = fields.Char(
        string="Event UID",
        readonly=True,
        copy=False,
        help="The UID of the calendar event this booking was imported from.",
    )
    checkin_date = fields.Date(string="Check-in", required=True, tracking=True)
    checkout_date = fields.Date(
        string="Check-out",
        required=True,
        tracking=True,
        help="The departure day. It is not a night of the stay: another booking "
        "may arrive the same day.",
    )
    nights = fields.Integer(compute="_compute_nights", store=True)
    last_night_date = fields.Date(
        compute="_compute_nights",
        store=True,
        help="The last night of the stay, the day before check-out.",
    )
    adults = fields.Integer(default=1)
    children = fields.Integer()
    babies = fields.Integer()
    guest_count = fields.Integer(
        string="Guests",
        compute="_compute_guest_count",
        store=True,
        readonly=False,
        help="Adults and children. Babies are not counted against the "
        "accommodation's maximum.",
    )
    notes = fields.Text()
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    total_amount = fields.Monetary(currency_field="currency_id")
    state = fields.Selection(
        STATES,
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
    )
    color = fields.Integer(related="accommodation_id.color")
    webhook_event_count = fields.Integer(
        compute="_compute_webhook_event_count",
        groups="airdoo.group_airdoo_manager",
    )

    _unique_feed_event = models.Constraint(
        "UNIQUE (feed_id, external_uid)",
        "A calendar event is imported once per feed.",
    )
    _check_dates = models.Constraint(
        "CHECK (checkout_date > checkin_date)",
        "The check-out date must be after the check-in date.",
    )
    _check_guest_counts = models.Constraint(
        "CHECK (adults >= 0 AND children >= 0 AND babies >= 0 AND guest_count >= 0)",
        "Guest counts cannot be negative.",
    )
    # The rule that matters most is kept by PostgreSQL, so that it holds
    # across concurrent transactions and workers: no two bookings that hold
    # nights may share a night of one accommodation. Ranges are half-open, so
    # a check-out and a check-in on the same day do not clash.
    _no_overlap = models.Constraint(
        "EXCLUDE USING gist (accommodation_id WITH =, "
        "daterange(checkin_date, checkout_date, '[)') WITH &&) "
        "WHERE (state <> 'cancelled')",
        _overlap_message,
    )

    # ------------------------------------------------------------
    # Schema
    # ------------------------------------------------------------

    def _auto_init(self):
        # The overlap exclusion mixes a scalar and a range, which needs the
        # btree_gist operator classes (a trusted extension in PostgreSQL 13+).
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        return super()._auto_init()

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    @api.depends("checkin_date", "checkout_date")
    def _compute_nights(self):
        for booking in self:
            if booking.checkin_date and booking.checkout_date:
                booking.nights = max(
                    (booking.checkout_date - booking.checkin_date).days, 0
                )
                booking.last_night_date = booking.checkout_date - timedelta(days=1)
            else:
                booking.nights = 0
                booking.last_night_date = False

    @api.depends("adults", "children")
    def _compute_guest_count(self):
        for booking in self:
            booking.guest_count = booking.adults + booking.children

    def _compute_webhook_event_count(self):
        counts = dict(
            self.env["airdoo.webhook.event"]._read_group(
                [("booking_id", "in", self.ids)], ["booking_id"], ["__count"]
            )
        )
        for booking in self:
            booking.webhook_event_count = counts.get(booking, 0)

    @api.depends("name", "accommodation_id")
    def _compute_display_name(self):
        for booking in self:
            if booking.accommodation_id:
                booking.display_name = (
                    f"{booking.name} - {booking.accommodation_id.name}"
                )
            else:
                booking.display_name = booking.name

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("guest_count", "accommodation_id")
    def _check_max_guests(self):
        for booking in self:
            maximum = booking.accommodation_id.max_guests
            if maximum and booking.guest_count > maximum:
                raise ValidationError(
                    _(
                        "%(accommodation)s welcomes at most %(max)s guests; "
                        "this booking has %(count)s.",
                        accommodation=booking.accommodation_id.display_name,
                        max=maximum,
                        count=booking.guest_count,
                    )
                )

    @api.constrains("checkin_date", "checkout_date", "source", "accommodation_id")
    def _check_min_stay(self):
        # Channels enforce their own minimum stays; only bookings made here
        # or on the owner's website are held to the accommodation's.
        for booking in self.filtered(lambda b: b.source in ("direct", "manual")):
            minimum = booking.accommodation_id.min_stay
            if booking.state != "cancelled" and 0 < booking.nights < minimum:
                raise ValidationError(
                    _(
                        "%(accommodation)s is booked for at least %(min)s nights; "
                        "this stay has %(nights)s.",
                        accommodation=booking.accommodation_id.display_name,
                        min=minimum,
                        nights=booking.nights,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("airdoo.booking")
            if vals.get("state", "draft") != "cancelled" and not self.env.context.get(
                "airdoo_overlap_checked"
            ):
                self._raise_if_overlapping(
                    vals.get("accommodation_id"),
                    vals.get("checkin_date"),
                    vals.get("checkout_date"),
                )
        return super().create(vals_list)

    def write(self, vals):
        if OVERLAP_FIELDS.intersection(vals) and not self.env.context.get(
            "airdoo_overlap_checked"
        ):
            for booking in self:
                if vals.get("state", booking.state) == "cancelled":
                    continue
                accommodation = vals.get(
                    "accommodation_id", booking.accommodation_id.id
                )
                self._raise_if_overlapping(
                    accommodation,
                    vals.get("checkin_date", booking.checkin_date),
                    vals.get("checkout_date", booking.checkout_date),
                    exclude_ids=self.ids,
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        if any(booking.state not in ("draft", "cancelled") for booking in self):
            raise UserError(
                _("Only draft or cancelled bookings can be deleted; cancel it first.")
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_confirm(self):
        self.filtered(lambda b: b.state == "draft").state = "confirmed"

    def action_cancel(self):
        self.filtered(lambda b: b.state != "cancelled").state = "cancelled"

    def action_reset_to_draft(self):
        self.filtered(lambda b: b.state == "cancelled").state = "draft"

    def action_view_webhook_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "airdoo.airdoo_webhook_event_action"
        )
        action["domain"] = [("booking_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _search_overlapping(self, accommodation_id, checkin, checkout, exclude_ids=()):
        """Return the bookings that hold a night of the given stay.

        :param int accommodation_id: the accommodation
        :param checkin: first night (date or ISO string)
        :param checkout: departure day, not a night (date or ISO string)
        :param exclude_ids: bookings to leave out, such as the one being moved
        """
        checkin = fields.Date.to_date(checkin)
        checkout = fields.Date.to_date(checkout)
        if not (accommodation_id and checkin and checkout) or checkout <= checkin:
            return self.browse()
        return self.sudo().search(
            [
                ("id", "not in", list(exclude_ids)),
                ("accommodation_id", "=", accommodation_id),
                ("state", "!=", "cancelled"),
                ("checkin_date", "<", checkout),
                ("checkout_date", ">", checkin),
            ],
            order="checkin_date",
        )

    @api.model
    def _raise_if_overlapping(
        self, accommodation_id, checkin, checkout, exclude_ids=()
    ):
        """Name the clashing booking before PostgreSQL refuses the row.

        The exclusion constraint stays the guarantee; this check only gives a
        clearer message in the common, non-concurrent case.
        """
        clash = self._search_overlapping(
            accommodation_id, checkin, checkout, exclude_ids
        )[:1]
        if clash:
            raise ValidationError(
                _(
                    "%(accommodation)s is already booked from %(checkin)s to "
                    "%(checkout)s (%(reference)s). Pick other dates or "
                    "cancel that booking first.",
                    accommodation=clash.accommodation_id.display_name,
                    checkin=format_date(self.env, clash.checkin_date),
                    checkout=format_date(self.env, clash.checkout_date),
                    reference=clash.name,
                )
            )

    @api.model
    def _next_references(self, count):
        """Draw ``count`` booking references at once, for bulk imports."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", "airdoo.booking")], limit=1)
        )
        if (
            count < 2
            or not sequence
            or sequence.implementation != "standard"
            or sequence.use_date_range
        ):
            Sequence = self.env["ir.sequence"]
            return [Sequence.next_by_code("airdoo.booking") for _i in range(count)]
        # A standard sequence is a PostgreSQL sequence: one round trip for all.
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        prefix, suffix = sequence._get_prefix_suffix()
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}"
            for (number,) in self.env.cr.fetchall()
        ]

    @api.model
    def _cron_mark_completed(self):
        """Close the stays whose check-out day has passed."""
        today = fields.Date.context_today(self)
        finished = self.search(
            [
                ("state", "in", ("confirmed", "modified")),
                ("checkout_date", "<", today),
            ]
        )
        finished.state = "completed"
        return finished
