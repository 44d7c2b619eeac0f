import hashlib
import logging
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..const import (
    DEFAULT_CALENDAR_SYNC_INTERVAL,
    PARAM_CALENDAR_SYNC_INTERVAL,
    ROUTE_ICAL_FEED_EXPORT,
)
from ..lib import http_client, ical
from .params import positive_int_param
from .tokens import fill_missing_tokens, new_token

_logger = logging.getLogger(__name__)

CHANNELS = [
    ("airbnb", "Airbnb"),
    ("booking_com", "Booking.com"),
    ("vrbo", "Vrbo"),
    ("other", "Other"),
]

SYNC_STATUSES = [
    ("never", "Never synced"),
    ("ok", "Synced"),
    ("unchanged", "Unchanged"),
    ("conflict", "Synced with conflicts"),
    ("suspicious", "Suspicious, not applied"),
    ("error", "Error, not applied"),
]


class AirdooCalendarFeed(models.Model):
    """A channel's iCal feed of one accommodation, imported as bookings.

    Syncing never trusts a bad download: unless the channel answers 200 (or
    304) with a calendar that parses, nothing is applied and the error is
    recorded on the feed.
    """

    _name = "airdoo.calendar.feed"
    _description = "AirDoo Calendar Feed"
    _order = "accommodation_id, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    accommodation_id = fields.Many2one(
        "airdoo.accommodation", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="accommodation_id.company_id", store=True, index=True
    )
    channel = fields.Selection(CHANNELS, required=True, default="airbnb")
    url = fields.Char(
        string="Import URL",
        required=True,
        help="The iCal export link the channel shows for this listing.",
    )
    active = fields.Boolean(default=True)

    sync_status = fields.Selection(
        SYNC_STATUSES, default="never", required=True, readonly=True, copy=False
    )
    last_sync_date = fields.Datetime(readonly=True, copy=False)
    last_success_date = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    event_count = fields.Integer(
        readonly=True, copy=False, help="Events in the last calendar applied."
    )
    future_event_count = fields.Integer(readonly=True, copy=False)
    conflict_count = fields.Integer(compute="_compute_conflict_count")

    # Conditional GET and change detection.
    http_etag = fields.Char(readonly=True, copy=False)
    http_last_modified = fields.Char(readonly=True, copy=False)
    body_sha256 = fields.Char(readonly=True, copy=False)

    booking_ids = fields.One2many(
        "airdoo.booking", "feed_id", string="Imported Bookings"
    )
    conflict_ids = fields.One2many("airdoo.calendar.conflict", "feed_id")

    # Set at creation, never as a column default (see the accommodation's).
    export_token = fields.Char(copy=False, groups="airdoo.group_airdoo_manager")
    export_url = fields.Char(
        string="Export URL for this channel",
        compute="_compute_export_url",
        groups="airdoo.group_airdoo_manager",
        help="Paste this link into the channel: it holds every booking of the "
        "accommodation except those imported from this very feed.",
    )

    _unique_export_token = models.Constraint(
        "UNIQUE (export_token)", "Export tokens must be unique."
    )

    def init(self):
        fill_missing_tokens(self.env.cr, self._table, "export_token")

    # ------------------------------------------------------------
    # Compute methods
    # ------------------------------------------------------------

    def _compute_conflict_count(self):
        counts = dict(
            self.env["airdoo.calendar.conflict"]._read_group(
                [("feed_id", "in", self.ids), ("state", "=", "open")],
                ["feed_id"],
                ["__count"],
            )
        )
        for feed in self:
            feed.conflict_count = counts.get(feed, 0)

    @api.depends("export_token")
    def _compute_export_url(self):
        base_url = self.get_base_url()
        for feed in self:
            feed.export_url = base_url + ROUTE_ICAL_FEED_EXPORT.format(
                token=feed.export_token
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("export_token", new_token())
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_sync_now(self):
        results = self._sync()
        return self._sync_notification(results)

    @api.model
    def _sync_notification(self, results):
        """A notification summing up a manual sync; the form reloads after."""
        failed = [
            feed
            for feed, status in results.items()
            if status in ("error", "suspicious")
        ]
        conflicts = [feed for feed, status in results.items() if status == "conflict"]
        if failed:
            kind, message = (
                "danger",
                _(
                    "%(feed)s was not applied: %(error)s",
                    feed=failed[0].display_name,
                    error=failed[0].last_error,
                ),
            )
        elif conflicts:
            kind, message = (
                "warning",
                _(
                    "Synced, but some events clash with other bookings: see the "
                    "conflicts of %(feed)s.",
                    feed=conflicts[0].display_name,
                ),
            )
        else:
            kind, message = "success", _("Calendars synced.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_rotate_export_token(self):
        for feed in self:
            feed.export_token = new_token()

    def action_view_conflicts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "airdoo.airdoo_calendar_conflict_action"
        )
        action["domain"] = [("feed_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # Sync
    # ------------------------------------------------------------

    def _sync(self):
        """Download and apply each feed.

        Each feed is applied in a savepoint of its own: one broken feed never
        undoes another.

        :return: {feed: sync status}
        """
        results = {}
        for feed in self:
            if not feed._lock_for_sync():
                _logger.info("Feed %s is already being synced, skipped", feed.id)
                results[feed] = feed.sync_status
                continue
            try:
                with self.env.cr.savepoint():
                    results[feed] = feed._sync_one()
            except Exception as error:  # noqa: BLE001 - recorded on the feed
                _logger.exception("Calendar feed %s could not be synced", feed.id)
                feed._record_failure("error", _("Unexpected error: %s", error))
                results[feed] = "error"
        return results

    def _lock_for_sync(self):
        """Take the feed's row lock, or report that another sync holds it."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM airdoo_calendar_feed WHERE id = %s "
                        "FOR NO KEY UPDATE NOWAIT",
                        self.id,
                    )
                )
        except psycopg2.errors.LockNotAvailable:
            return False
        return True

    def _sync_one(self):
        self.ensure_one()
        try:
            result = http_client.fetch(
                self.url,
                etag=self.http_etag,
                last_modified=self.http_last_modified,
            )
        except http_client.FetchError as error:
            return self._record_failure("error", error.message)

        now = fields.Datetime.now()
        if result.not_modified:
            self.write(
                {"sync_status": "unchanged", "last_sync_date": now, "last_error": False}
            )
            return "unchanged"

        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == self.body_sha256 and self.sync_status in ("ok", "unchanged"):
            self.write(
                {
                    "sync_status": "unchanged",
                    "last_sync_date": now,
                    "last_error": False,
                    "http_etag": result.etag or False,
                    "http_last_modified": result.last_modified or False,
                }
            )
            return "unchanged"

        try:
            events = ical.merge_duplicates(ical.parse_feed(result.body))
        except ical.FeedError as error:
            return self._record_failure("error", error.message)

        today = fields.Date.context_today(self)
        future_events = [event for event in events if event.checkout > today]
        if not future_events and self.future_event_count:
            return self._record_failure(
                "suspicious",
                _(
                    "The channel sent a calendar without upcoming events, where the "
                    "last one had %(count)s. It was not applied, so no booking was "
                    "cancelled. If the listing really has no booking any more, "
                    "check it on the channel.",
                    count=self.future_event_count,
                ),
            )

        conflicts = self._apply_events(events, today)
        status = "conflict" if conflicts else "ok"
        self.write(
            {
                "sync_status": status,
                "last_sync_date": now,
                "last_success_date": now,
                "last_error": False,
                "event_count": len(events),
                "future_event_count": len(future_events),
                "http_etag": result.etag or False,
                "http_last_modified": result.last_modified or False,
                "body_sha256": body_hash,
            }
        )
        return status

    def _record_failure(self, status, message):
        _logger.warning("Calendar feed %s not applied: %s", self.id, message)
        self.write(
            {
                "sync_status": status,
                "last_sync_date": fields.Datetime.now(),
                "last_error": message,
            }
        )
        return status

    def _booking_values(self, event):
        values = {
            "checkin_date": event.checkin,
            "checkout_date": event.checkout,
            "booking_type": "block" if event.is_block else "stay",
            "confirmation_code": event.confirmation_code or False,
        }
        return values

    def _apply_events(self, events, today):
        """Make this feed's bookings match ``events``.

        :return: the number of events that clash with other bookings
        """
        self.ensure_one()
        Booking = self.env["airdoo.booking"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            airdoo_overlap_checked=True,
        )
        accommodation = self.accommodation_id
        existing = Booking.search([("feed_id", "=", self.id)])
        by_uid = {booking.external_uid: booking for booking in existing}
        by_dates = {}
        for booking in existing:
            by_dates.setdefault((booking.checkin_date, booking.checkout_date), booking)

        # Match each event to the booking it already is: same UID, or, when
        # the channel changed the UID, same dates.
        event_uids = {event.uid for event in events}
        matched = {}
        matched_ids = set()
        unmatched_events = []
        for event in events:
            booking = by_uid.get(event.uid)
            if booking is None:
                candidate = by_dates.get((event.checkin, event.checkout))
                if candidate is not None and candidate.external_uid not in event_uids:
                    booking = candidate
            if booking is not None and booking.id not in matched_ids:
                matched[event] = booking
                matched_ids.add(booking.id)
            else:
                unmatched_events.append(event)

        # Cancel the future bookings that left the feed; the past is history.
        kept = Booking.browse(matched_ids)
        vanished = (existing - kept).filtered(
            lambda b: b.state != "cancelled" and b.checkin_date >= today
        )
        if vanished:
            vanished.write({"state": "cancelled"})
            note = _(
                "Cancelled: the event left the %(feed)s calendar.",
                feed=self.display_name,
            )
            vanished._message_log_batch(dict.fromkeys(vanished.ids, note))

        # Nights held by every other booking of the accommodation.
        others = Booking.search(
            [
                ("accommodation_id", "=", accommodation.id),
                ("state", "!=", "cancelled"),
                ("id", "not in", kept.ids),
            ]
        ).filtered(lambda b: b.feed_id != self)
        taken = _NightIndex(others)

        conflicts = []
        updates = []
        for event, booking in matched.items():
            values = self._booking_values(event)
            if booking.external_uid != event.uid:
                values["external_uid"] = event.uid
            if booking.state == "cancelled":
                values["state"] = "confirmed"
            changes = {
                name: value for name, value in values.items() if booking[name] != value
            }
            if not changes:
                taken.add(booking, event.checkin, event.checkout)
                continue
            if clash := taken.clash(event.checkin, event.checkout):
                conflicts.append((event, clash))
                continue
            taken.add(booking, event.checkin, event.checkout)
            updates.append((booking, changes))

        to_create = []
        for event in unmatched_events:
            if clash := taken.clash(event.checkin, event.checkout):
                conflicts.append((event, clash))
                continue
            taken.add(None, event.checkin, event.checkout)
            to_create.append(event)

        # Moves first, in an order that never makes two of them overlap
        # halfway: free nights before taking new ones.
        if updates:
            # PostgreSQL checks the exclusion row by row, even inside one
            # UPDATE statement: release every moving booking's nights first,
            # then take the new ones one booking at a time.
            moving = Booking.browse([booking.id for booking, _changes in updates])
            moving.write({"state": "cancelled"})
            moving.flush_recordset()
            for booking, changes in updates:
                booking.write(dict({"state": "confirmed"}, **changes))
                booking.flush_recordset()
        if to_create:
            references = Booking._next_references(len(to_create))
            Booking.create(
                [
                    dict(
                        self._booking_values(event),
                        name=reference,
                        accommodation_id=accommodation.id,
                        feed_id=self.id,
                        external_uid=event.uid,
                        source=self.channel,
                        state="confirmed",
                        adults=0,
                    )
                    for event, reference in zip(to_create, references, strict=True)
                ]
            )
        self.env["airdoo.calendar.conflict"]._record(self, conflicts)
        return len(conflicts)

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_sync(self):
        """Sync the accommodations asked for first, then every feed due."""
        Accommodation = self.env["airdoo.accommodation"]
        # Cron runs never overlap, so a "syncing" left over is a run that died.
        queued = Accommodation.search(
            [("calendar_sync_state", "in", ("queued", "syncing"))]
        )
        interval = positive_int_param(
            self.env, PARAM_CALENDAR_SYNC_INTERVAL, DEFAULT_CALENDAR_SYNC_INTERVAL
        )
        due_before = (
            fields.Datetime.now() - timedelta(minutes=interval) + timedelta(seconds=60)
        )
        due = self.search(
            [
                ("accommodation_id", "not in", queued.ids),
                ("accommodation_id.active", "=", True),
                "|",
                ("last_sync_date", "=", False),
                ("last_sync_date", "<", due_before),
            ]
        )
        in_cron = bool(self.env.context.get("cron_id"))
        Cron = self.env["ir.cron"]
        remaining = len(queued) + len(due)
        for accommodation in queued:
            accommodation.calendar_sync_state = "syncing"
            if in_cron:
                Cron._commit_progress(0, remaining=remaining)
            accommodation.feed_ids._sync()
            accommodation.calendar_sync_state = "idle"
            remaining -= 1
            if in_cron:
                Cron._commit_progress(1, remaining=remaining)
        for feed in due:
            feed._sync()
            remaining -= 1
            if in_cron:
                Cron._commit_progress(1, remaining=remaining)


class _NightIndex:
    """Which bookings hold which nights, for one accommodation, in memory."""

    def __init__(self, bookings):
        self._nights = {}
        for booking in bookings:
            self.add(booking, booking.checkin_date, booking.checkout_date)

    def add(self, booking, checkin, checkout):
        night = checkin
        while night < checkout:
            self._nights[night] = booking
            night += timedelta(days=1)

    def clash(self, checkin, checkout):
        """The first booking holding a night of [checkin, checkout), or None."""
        night = checkin
        while night < checkout:
            if night in self._nights:
                return self._nights[night] or True
            night += timedelta(days=1)
        return None


class AirdooCalendarConflict(models.Model):
    """An event of a channel's calendar that clashes with another booking.

    It is neither dropped nor forced in: the host decides, and the next sync
    closes the conflict once the clash is gone.
    """

    _name = "airdoo.calendar.conflict"
    _description = "AirDoo Calendar Conflict"
    _order = "state, checkin_date, id"

    feed_id = fields.Many2one(
        "airdoo.calendar.feed", required=True, index=True, ondelete="cascade"
    )
    accommodation_id = fields.Many2one(
        related="feed_id.accommodation_id", store=True, index=True
    )
    company_id = fields.Many2one(related="feed_id.company_id", store=True)
    channel = fields.Selection(related="feed_id.channel")
    external_uid = fields.Char(string="Event UID", required=True)
    checkin_date = fields.Date(string="Check-in", required=True)
    checkout_date = fields.Date(string="Check-out", required=True)
    summary = fields.Char()
    clashing_booking_id = fields.Many2one("airdoo.booking", ondelete="set null")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True
    )
    last_seen_date = fields.Datetime(default=fields.Datetime.now)

    @api.model
    def _record(self, feed, clashes):
        """Open a conflict for each clash, close those that are gone, and ask
        the accommodation's manager to act on new ones."""
        open_conflicts = self.search(
            [("feed_id", "=", feed.id), ("state", "=", "open")]
        )
        by_key = {
            (c.external_uid, c.checkin_date, c.checkout_date): c for c in open_conflicts
        }
        now = fields.Datetime.now()
        seen = self.browse()
        new_conflicts = self.browse()
        for event, clash in clashes:
            key = (event.uid, event.checkin, event.checkout)
            clashing = clash if isinstance(clash, models.BaseModel) else False
            values = {
                "summary": event.summary,
                "clashing_booking_id": clashing and clashing.id,
                "last_seen_date": now,
            }
            if conflict := by_key.get(key):
                conflict.write(values)
                seen |= conflict
            else:
                new_conflicts |= self.create(
                    dict(
                        values,
                        feed_id=feed.id,
                        external_uid=event.uid,
                        checkin_date=event.checkin,
                        checkout_date=event.checkout,
                    )
                )
        (open_conflicts - seen).write({"state": "resolved"})
        if new_conflicts:
            new_conflicts._notify_manager()
        return new_conflicts

    def _notify_manager(self):
        accommodation = self.accommodation_id[:1]
        lines = Markup("").join(
            Markup("<li>%s: %s → %s (%s)</li>")
            % (
                conflict.feed_id.name,
                conflict.checkin_date,
                conflict.checkout_date,
                conflict.clashing_booking_id.name or _("another booking"),
            )
            for conflict in self
        )
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            _(
                "These channel events clash with other bookings and were not "
                "imported. Cancel one side, or close the dates on the channel."
            ),
            lines,
        )
        accommodation.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Calendar conflict: double booking risk"),
            note=note,
            user_id=(accommodation.manager_id or self.env.user).id,
        )
