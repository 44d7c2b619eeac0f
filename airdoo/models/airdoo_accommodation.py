from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AirdooAccommodation(models.Model):
    _name = "airdoo.accommodation"
    _description = "Holiday Rental Accommodation"
    _inherit = ["mail.thread"]
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

    _check_times = models.Constraint(
        "CHECK (checkin_time >= 0 AND checkin_time < 24 "
        "AND checkout_time >= 0 AND checkout_time < 24)",
        "Check-in and check-out times must be hours between 00:00 and 23:59.",
    )
    _check_min_stay = models.Constraint(
        "CHECK (min_stay >= 1)",
        "The minimum stay is at least one night.",
    )
    _check_max_guests = models.Constraint(
        "CHECK (max_guests >= 0)",
        "The maximum number of guests cannot be negative.",
    )

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
            accommodation.upcoming_booking_count = upcoming_counts.get(
                accommodation, 0
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("max_guests")
    def _check_bookings_within_max_guests(self):
        for accommodation in self.filtered("max_guests"):
            too_many = accommodation.booking_ids.filtered(
                lambda b: b.state != "cancelled"
                and b.guest_count > accommodation.max_guests
            )
            if too_many:
                raise ValidationError(
                    _(
                        "%(accommodation)s already has bookings for more than "
                        "%(max)s guests: %(bookings)s.",
                        accommodation=accommodation.display_name,
                        max=accommodation.max_guests,
                        bookings=", ".join(too_many.mapped("display_name")),
                    )
                )

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

    def action_view_upcoming_bookings(self):
        action = self.action_view_bookings()
        action["context"] = dict(action["context"], search_default_filter_upcoming=1)
        return action
