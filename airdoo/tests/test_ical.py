import os
import random
import time
import unittest
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from icalendar import Calendar

from odoo.addons.airdoo.lib import ical
from odoo.addons.airdoo.tests.ical_factory import make_feed

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
# Far in the future, so that no test depends on today.
YEAR = 2031

AIRBNB_DESCRIPTION = (
    "Reservation URL: https://www.airbnb.com/hosting/reservations/details/"
    "HMABCD1234\nPhone Number (Last 4 Digits): 1234"
)


def day(month, day_of_month):
    return date(YEAR, month, day_of_month)


def fixture(name):
    return (FIXTURES / name).read_bytes()


def calendar_text(*event_lines, prodid="-//AirDoo Tests//Inline//EN"):
    """A calendar with one VEVENT per tuple of content lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}"]
    for event in event_lines:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def feed_event(uid, checkin, checkout, is_block=False, code=None, summary=None):
    return ical.FeedEvent(
        uid=uid,
        checkin=checkin,
        checkout=checkout,
        summary=summary or ("Blocked" if is_block else "Reserved"),
        is_block=is_block,
        confirmation_code=code,
    )


class TestFixtures(unittest.TestCase):
    """The fixtures read as each platform's export means them."""

    def test_fixtures_use_crlf(self):
        for path in FIXTURES.iterdir():
            with self.subTest(fixture=path.name):
                body = path.read_bytes()
                self.assertIn(b"\r\n", body)
                self.assertEqual(body.count(b"\n"), body.count(b"\r\n"))

    def test_airbnb(self):
        events = ical.parse_feed(fixture("airbnb.ics"))
        self.assertEqual(
            [(e.checkin, e.checkout, e.is_block, e.confirmation_code) for e in events],
            [
                (day(7, 5), day(7, 9), False, "HMABCD1234"),
                (day(7, 9), day(7, 12), False, "HMEFGH5678"),
                (day(7, 20), day(7, 23), True, None),
                (day(8, 1), day(8, 8), False, "HMJKLM9012"),
            ],
        )
        self.assertEqual(events[0].summary, "Reserved")
        self.assertEqual(events[2].summary, "Airbnb (Not available)")
        self.assertTrue(events[0].uid.endswith("@airbnb.com"))
        # The folded description is unfolded and its \n escape decoded.
        self.assertIn(
            "reservations/details/HMABCD1234\nPhone Number", events[0].description
        )

    def test_airbnb_same_day_turnover_is_not_an_overlap(self):
        events = ical.merge_duplicates(ical.parse_feed(fixture("airbnb.ics")))
        self.assertEqual(len(events), 4)
        self.assertEqual(events[0].checkout, events[1].checkin)

    def test_booking_com(self):
        events = ical.parse_feed(fixture("booking_com.ics"))
        self.assertEqual(len(events), 5)
        self.assertTrue(all(event.is_block for event in events))
        self.assertTrue(all(event.confirmation_code is None for event in events))
        merged = ical.merge_duplicates(events)
        self.assertEqual(
            [(e.checkin, e.checkout) for e in merged],
            [
                (day(7, 3), day(7, 6)),
                (day(7, 6), day(7, 10)),
                (day(7, 15), day(7, 18)),
                (day(8, 2), day(8, 5)),
            ],
        )

    def test_booking_com_changed_uid_keeps_the_dates(self):
        before = ical.merge_duplicates(ical.parse_feed(fixture("booking_com.ics")))
        after = ical.merge_duplicates(
            ical.parse_feed(fixture("booking_com_changed_uid.ics"))
        )
        self.assertEqual(
            [(e.checkin, e.checkout) for e in before],
            [(e.checkin, e.checkout) for e in after],
        )
        changed = [
            (old.uid, new.uid, new.checkin)
            for old, new in zip(before, after, strict=True)
            if old.uid != new.uid
        ]
        self.assertEqual(len(changed), 1)
        self.assertEqual(changed[0][2], day(8, 2))

    def test_vrbo(self):
        events = ical.parse_feed(fixture("vrbo.ics"))
        self.assertEqual(
            [(e.summary, e.checkin, e.checkout, e.is_block) for e in events],
            [
                ("Reserved - Jane D", day(7, 4), day(7, 11), False),
                ("Blocked", day(7, 11), day(7, 13), True),
                ("Reserved", day(7, 20), day(7, 24), False),
                # 16:00 to 10:00, New York time: the nights of 1 to 4 August.
                ("Reserved - Sam K", day(8, 1), day(8, 5), False),
            ],
        )

    def test_empty_calendar_gives_no_events(self):
        self.assertEqual(ical.parse_feed(fixture("empty.ics")), [])

    def test_truncated_download_is_refused(self):
        with self.assertRaises(ical.FeedError) as caught:
            ical.parse_feed(fixture("truncated.ics"))
        self.assertEqual(caught.exception.code, ical.ERROR_TRUNCATED)

    def test_html_page_is_refused(self):
        with self.assertRaises(ical.FeedError) as caught:
            ical.parse_feed(fixture("not_a_calendar.html"))
        self.assertEqual(caught.exception.code, ical.ERROR_NOT_A_CALENDAR)
        self.assertIn("HTML", caught.exception.message)


class TestRefusals(unittest.TestCase):
    """Anything but one complete calendar raises, never gives fewer events."""

    def assert_refused(self, body, code):
        with self.assertRaises(ical.FeedError) as caught:
            ical.parse_feed(body)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(caught.exception.message)
        return caught.exception

    def test_empty_body(self):
        for body in (b"", b"   \r\n\r\n", None):
            with self.subTest(body=body):
                self.assert_refused(body, ical.ERROR_EMPTY)

    def test_not_a_calendar(self):
        bodies = (
            b"<html><body>Service unavailable</body></html>",
            b"  \r\n<?xml version='1.0'?><error/>",
            b'{"error": "not found"}',
            b"\x00\xff\xfe garbage \x89PNG",
            b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Someone\r\nEND:VCARD\r\n",
            b"Not Found",
        )
        for body in bodies:
            with self.subTest(body=body):
                self.assert_refused(body, ical.ERROR_NOT_A_CALENDAR)

    def test_missing_end_vcalendar_is_truncated(self):
        body = calendar_text(
            ("UID:a", "DTSTART;VALUE=DATE:20310705", "DTEND;VALUE=DATE:20310708")
        )
        without_end = body.replace(b"END:VCALENDAR\r\n", b"")
        self.assert_refused(without_end, ical.ERROR_TRUNCATED)
        cut_in_event = body[: body.index(b"DTEND")]
        self.assert_refused(cut_in_event, ical.ERROR_TRUNCATED)

    def test_misnested_components(self):
        body = (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            b"DTSTART;VALUE=DATE:20310705\r\nEND:VCALENDAR\r\nEND:VEVENT\r\n"
        )
        self.assert_refused(body, ical.ERROR_PARSE)

    def test_deep_nesting(self):
        depth = 500
        body = (
            b"BEGIN:VCALENDAR\r\n"
            + b"BEGIN:VEVENT\r\n" * depth
            + b"END:VEVENT\r\n" * depth
            + b"END:VCALENDAR\r\n"
        )
        self.assert_refused(body, ical.ERROR_PARSE)

    def test_html_inside_a_calendar_is_only_text(self):
        body = calendar_text(
            (
                "UID:html",
                "DTSTART;VALUE=DATE:20310705",
                "X-ALT-DESC;FMTTYPE=text/html:<html><body>Welcome</body></html>",
            )
        )
        self.assertEqual(len(ical.parse_feed(body)), 1)

    def test_content_after_the_calendar(self):
        body = calendar_text() + b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        self.assert_refused(body, ical.ERROR_PARSE)

    def test_unreadable_line_does_not_leak_the_feed_into_the_message(self):
        body = calendar_text().replace(
            b"VERSION:2.0", b"VERSION:2.0\r\nGuest Jane Doe has no colon here"
        )
        error = self.assert_refused(body, ical.ERROR_PARSE)
        self.assertNotIn("Jane", error.message)

    def test_event_without_dtstart(self):
        body = calendar_text(
            ("UID:ok", "DTSTART;VALUE=DATE:20310705", "DTEND;VALUE=DATE:20310708"),
            ("UID:no-start", "DTEND;VALUE=DATE:20310710", "SUMMARY:Reserved"),
        )
        error = self.assert_refused(body, ical.ERROR_INVALID_EVENT)
        self.assertIn("no-start", error.message)

    def test_unreadable_dates(self):
        for line in (
            "DTSTART:tomorrow",
            "DTSTART;VALUE=DATE:20311345",
            "DTEND:not-a-date",
            "DURATION:three days",
            "DTSTART;VALUE=DATE:99991231",
            "DURATION:P999999999D",
        ):
            with self.subTest(line=line):
                lines = ["UID:x", line]
                if not line.startswith("DTSTART"):
                    lines.append("DTSTART;VALUE=DATE:20310705")
                self.assert_refused(
                    calendar_text(tuple(lines)), ical.ERROR_INVALID_EVENT
                )


class TestDates(unittest.TestCase):
    """DTSTART and DTEND become the nights held."""

    def parse_one(self, *lines):
        events = ical.parse_feed(calendar_text(("UID:only", *lines)))
        self.assertEqual(len(events), 1)
        return events[0]

    def nights(self, *lines):
        event = self.parse_one(*lines)
        return event.checkin, event.checkout

    def test_dtend_is_exclusive(self):
        events = ical.parse_feed(
            make_feed([("a", day(7, 5), day(7, 8), "Reserved", None)])
        )
        self.assertEqual(
            (events[0].checkin, events[0].checkout), (day(7, 5), day(7, 8))
        )
        self.assertEqual(events[0].nights, 3)

    def test_same_day_turnover(self):
        feed = make_feed(
            [
                ("leaving", day(7, 1), day(7, 5), "Reserved", None),
                ("arriving", day(7, 5), day(7, 9), "Reserved", None),
            ]
        )
        merged = ical.merge_duplicates(ical.parse_feed(feed))
        self.assertEqual([event.uid for event in merged], ["leaving", "arriving"])

    def test_dates_do_not_move_with_the_server_timezone(self):
        feed = make_feed(
            [
                ("a", date(YEAR, 12, 31), date(YEAR + 1, 1, 1), "Reserved", None),
                ("b", day(3, 8), day(3, 10), "Blocked", None),
            ]
        )
        dated_with_tzid = calendar_text(
            (
                "UID:c",
                "DTSTART;VALUE=DATE;TZID=Pacific/Kiritimati:20310705",
                "DTEND;VALUE=DATE;TZID=Pacific/Kiritimati:20310708",
            )
        )
        expected = {
            "a": (date(YEAR, 12, 31), date(YEAR + 1, 1, 1)),
            "b": (day(3, 8), day(3, 10)),
            "c": (day(7, 5), day(7, 8)),
        }
        saved = os.environ.get("TZ")
        try:
            # The earliest and the latest offsets in use: +14:00 and -10:00/-9:00.
            for zone in ("Pacific/Kiritimati", "America/Adak", "UTC"):
                os.environ["TZ"] = zone
                time.tzset()
                with self.subTest(zone=zone):
                    events = ical.parse_feed(feed) + ical.parse_feed(dated_with_tzid)
                    found = {e.uid: (e.checkin, e.checkout) for e in events}
                    self.assertEqual(found, expected)
                    airbnb = ical.parse_feed(fixture("airbnb.ics"))
                    self.assertEqual(airbnb[0].checkin, day(7, 5))
        finally:
            if saved is None:
                os.environ.pop("TZ", None)
            else:
                os.environ["TZ"] = saved
            time.tzset()

    def test_timed_event_takes_dates_in_its_own_timezone(self):
        cases = {
            # UTC, as given: not converted to any other zone.
            ("DTSTART:20310705T150000Z", "DTEND:20310708T100000Z"): (5, 8),
            # Floating: the wall clock as written.
            ("DTSTART:20310705T150000", "DTEND:20310708T100000"): (5, 8),
            # 02:00 in Kiritimati is still the 4th in UTC: the event's own date.
            (
                "DTSTART;TZID=Pacific/Kiritimati:20310705T020000",
                "DTEND;TZID=Pacific/Kiritimati:20310708T230000",
            ): (5, 8),
            (
                "DTSTART;TZID=America/Adak:20310705T230000",
                "DTEND;TZID=America/Adak:20310708T010000",
            ): (5, 8),
        }
        for lines, (checkin, checkout) in cases.items():
            with self.subTest(lines=lines):
                self.assertEqual(
                    self.nights(*lines), (day(7, checkin), day(7, checkout))
                )

    def test_timed_end_rounding(self):
        start = "DTSTART:20310705T160000"
        cases = {
            # Leaving at 10:00 frees the night of the 8th.
            "DTEND:20310708T100000": day(7, 8),
            # Ending at midnight: the night of the 7th was held, not the 8th.
            "DTEND:20310708T000000": day(7, 8),
            # Still there at 00:30: the night of the 7th, and no more.
            "DTEND:20310708T003000": day(7, 8),
            # Gone before midnight on the 8th: the night of the 8th is free.
            "DTEND:20310708T235900": day(7, 8),
            # Still there after midnight: the night of the 8th is held too.
            "DTEND:20310709T000100": day(7, 9),
        }
        for end, checkout in cases.items():
            with self.subTest(end=end):
                self.assertEqual(self.nights(start, end), (day(7, 5), checkout))

    def test_timed_event_within_one_day_holds_one_night(self):
        self.assertEqual(
            self.nights("DTSTART:20310705T140000Z", "DTEND:20310705T180000Z"),
            (day(7, 5), day(7, 6)),
        )

    def test_no_dtend_is_one_night(self):
        for start in ("DTSTART;VALUE=DATE:20310705", "DTSTART:20310705T160000Z"):
            with self.subTest(start=start):
                self.assertEqual(self.nights(start), (day(7, 5), day(7, 6)))
        events = ical.parse_feed(make_feed([("a", day(7, 5), None, "Blocked", None)]))
        self.assertEqual(events[0].checkout, day(7, 6))

    def test_duration_without_dtend(self):
        self.assertEqual(
            self.nights("DTSTART;VALUE=DATE:20310705", "DURATION:P3D"),
            (day(7, 5), day(7, 8)),
        )
        self.assertEqual(
            self.nights("DTSTART:20310705T160000Z", "DURATION:PT20H"),
            (day(7, 5), day(7, 6)),
        )
        self.assertEqual(
            self.nights("DTSTART;VALUE=DATE:20310705", "DURATION:P1W"),
            (day(7, 5), day(7, 12)),
        )

    def test_end_before_start_is_one_night(self):
        for end in ("DTEND;VALUE=DATE:20310705", "DTEND;VALUE=DATE:20310701"):
            with self.subTest(end=end):
                self.assertEqual(
                    self.nights("DTSTART;VALUE=DATE:20310705", end),
                    (day(7, 5), day(7, 6)),
                )

    def test_cancelled_events_are_skipped(self):
        body = calendar_text(
            (
                "UID:cancelled",
                "STATUS:CANCELLED",
                "DTSTART;VALUE=DATE:20310705",
                "DTEND;VALUE=DATE:20310708",
            ),
            (
                "UID:confirmed",
                "STATUS:confirmed",
                "DTSTART;VALUE=DATE:20310710",
                "DTEND;VALUE=DATE:20310712",
            ),
        )
        events = ical.parse_feed(body)
        self.assertEqual([event.uid for event in events], ["confirmed"])
        self.assertEqual(events[0].status, "CONFIRMED")

    def test_missing_uid_gets_a_stable_one(self):
        body = calendar_text(
            ("DTSTART;VALUE=DATE:20310705", "DTEND;VALUE=DATE:20310708"),
            ("DTSTART;VALUE=DATE:20310710", "DTEND;VALUE=DATE:20310712"),
        )
        first = [event.uid for event in ical.parse_feed(body)]
        second = [event.uid for event in ical.parse_feed(body)]
        self.assertEqual(first, second)
        self.assertEqual(len(set(first)), 2)
        self.assertTrue(all(first))

    def test_byte_order_mark_and_bare_newlines_are_accepted(self):
        body = b"\xef\xbb\xbf" + make_feed(
            [("a", day(7, 5), day(7, 8), "Reserved", None)]
        ).replace(b"\r\n", b"\n")
        events = ical.parse_feed(body)
        self.assertEqual(
            (events[0].checkin, events[0].checkout), (day(7, 5), day(7, 8))
        )

    def test_text_is_unescaped_and_unicode_survives(self):
        summary = "Réservé, chambre; \\ vue mer — 海"
        events = ical.parse_feed(
            make_feed([("a", day(7, 5), day(7, 8), summary, "x" * 300)])
        )
        self.assertEqual(events[0].summary, summary)
        self.assertEqual(events[0].description, "x" * 300)


class TestClassify(unittest.TestCase):
    def test_platform_summaries(self):
        cases = [
            ("Reserved", AIRBNB_DESCRIPTION, (False, "HMABCD1234")),
            ("Airbnb (Not available)", None, (True, None)),
            ("CLOSED - Not available", None, (True, None)),
            ("Reserved - Jane D", None, (False, None)),
            ("Reserved", None, (False, None)),
            ("Blocked", None, (True, None)),
            ("Unavailable", None, (True, None)),
            ("NOT AVAILABLE", "", (True, None)),
            ("Owner stay - closed for works", None, (True, None)),
            ("Booked", None, (False, None)),
            # "closed" only as a word: an enclosed garden is not a closure.
            ("Enclosed garden suite", None, (False, None)),
            ("", None, (False, None)),
            (None, None, (False, None)),
        ]
        for summary, description, expected in cases:
            with self.subTest(summary=summary):
                self.assertEqual(ical.classify(summary, description), expected)

    def test_confirmation_code(self):
        description = (
            "Reservation URL: https://www.airbnb.com/hosting/reservations/details/"
            "hmzx98ab76\nPhone Number (Last 4 Digits): 0042"
        )
        self.assertEqual(ical.classify("Reserved", description), (False, "HMZX98AB76"))
        self.assertEqual(
            ical.classify("Reserved", "Phone Number (Last 4 Digits): 0042"),
            (False, None),
        )

    def test_a_reservation_url_makes_a_stay(self):
        self.assertEqual(
            ical.classify("Not available", AIRBNB_DESCRIPTION), (False, "HMABCD1234")
        )


class TestMergeDuplicates(unittest.TestCase):
    def test_same_uid_same_dates_is_kept_once(self):
        event = feed_event("a", day(7, 5), day(7, 8))
        self.assertEqual(ical.merge_duplicates([event, event, event]), [event])

    def test_overlaps_merge_into_their_union(self):
        block = feed_event("b-block", day(7, 3), day(7, 7), is_block=True)
        stay = feed_event("c-stay", day(7, 5), day(7, 10), code="HMABCD1234")
        merged = ical.merge_duplicates([stay, block])
        self.assertEqual(len(merged), 1)
        event = merged[0]
        self.assertEqual((event.checkin, event.checkout), (day(7, 3), day(7, 10)))
        self.assertEqual(event.uid, "b-block")
        self.assertFalse(event.is_block)
        self.assertEqual(event.summary, "Reserved")
        self.assertEqual(event.confirmation_code, "HMABCD1234")

    def test_chains_and_contained_events_merge(self):
        events = [
            feed_event("a", day(7, 1), day(7, 4), is_block=True),
            feed_event("b", day(7, 3), day(7, 6), is_block=True),
            feed_event("c", day(7, 5), day(7, 9), is_block=True),
            feed_event("d", day(7, 6), day(7, 7), is_block=True),
            feed_event("e", day(7, 9), day(7, 11), is_block=True),
        ]
        merged = ical.merge_duplicates(events)
        self.assertEqual(
            [(e.uid, e.checkin, e.checkout, e.is_block) for e in merged],
            [
                ("a", day(7, 1), day(7, 9), True),
                ("e", day(7, 9), day(7, 11), True),
            ],
        )

    def test_same_uid_on_other_dates_is_kept(self):
        first = feed_event("a", day(7, 1), day(7, 3))
        later = feed_event("a", day(7, 10), day(7, 12))
        merged = ical.merge_duplicates([later, first])
        self.assertEqual([e.uid for e in merged], ["a", "a/2031-07-10"])
        self.assertEqual([e.checkin for e in merged], [day(7, 1), day(7, 10)])

    def test_order_is_deterministic(self):
        events = []
        for index in range(20):
            checkin = day(7, 1) + timedelta(days=index * 3)
            events.append(feed_event(f"uid-{index}", checkin, checkin + timedelta(2)))
        expected = ical.merge_duplicates(events)
        shuffler = random.Random(7)
        for _attempt in range(5):
            shuffled = events[:]
            shuffler.shuffle(shuffled)
            self.assertEqual(ical.merge_duplicates(shuffled), expected)
        self.assertEqual(expected, sorted(events, key=lambda e: (e.checkin, e.uid)))


class TestBuildCalendar(unittest.TestCase):
    stamp = datetime(YEAR, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    events = (
        ical.ExportEvent(
            "airdoo-booking-2@example.com", day(7, 9), day(7, 12), "Reserved"
        ),
        ical.ExportEvent(
            "airdoo-booking-1@example.com", day(7, 5), day(7, 9), "Not available"
        ),
    )

    def build(self):
        return ical.build_calendar(
            self.events,
            "-//AirDoo//Calendar Export//EN",
            "Sea View Cottage",
            self.stamp,
        )

    def test_parsed_back_by_icalendar(self):
        calendar = Calendar.from_ical(self.build())
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertEqual(str(calendar["PRODID"]), "-//AirDoo//Calendar Export//EN")
        self.assertEqual(str(calendar["CALSCALE"]), "GREGORIAN")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "Sea View Cottage")
        events = calendar.walk("VEVENT")
        self.assertEqual(
            [(str(e["UID"]), e.DTSTART, e.DTEND, str(e["SUMMARY"])) for e in events],
            [
                ("airdoo-booking-1@example.com", day(7, 5), day(7, 9), "Not available"),
                ("airdoo-booking-2@example.com", day(7, 9), day(7, 12), "Reserved"),
            ],
        )
        for event in events:
            self.assertEqual(event["DTSTART"].params.get("VALUE"), "DATE")
            self.assertEqual(event["DTEND"].params.get("VALUE"), "DATE")
            self.assertEqual(event.DTSTAMP, self.stamp)

    def test_only_dates_and_generic_fields_go_out(self):
        calendar = Calendar.from_ical(self.build())
        for event in calendar.walk("VEVENT"):
            self.assertEqual(
                set(event.keys()), {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"}
            )

    def test_round_trip_through_parse_feed(self):
        events = ical.parse_feed(self.build())
        self.assertEqual(
            [(e.uid, e.checkin, e.checkout, e.is_block) for e in events],
            [
                ("airdoo-booking-1@example.com", day(7, 5), day(7, 9), True),
                ("airdoo-booking-2@example.com", day(7, 9), day(7, 12), False),
            ],
        )

    def test_output_is_reproducible_and_uses_crlf(self):
        body = self.build()
        self.assertEqual(body, self.build())
        self.assertEqual(body.count(b"\n"), body.count(b"\r\n"))
        self.assertTrue(body.startswith(b"BEGIN:VCALENDAR\r\n"))
        self.assertTrue(body.endswith(b"END:VCALENDAR\r\n"))

    def test_empty_calendar(self):
        body = ical.build_calendar([], "-//AirDoo//Calendar Export//EN", "Empty")
        self.assertEqual(ical.parse_feed(body), [])

    def test_checkout_must_follow_checkin(self):
        event = ical.ExportEvent("x", day(7, 5), day(7, 5), "Reserved")
        with self.assertRaises(ValueError):
            ical.build_calendar([event], "-//AirDoo//Calendar Export//EN", "Cottage")


class TestLargeFeed(unittest.TestCase):
    """A long feed stays quick to build, parse and merge."""

    def test_ten_thousand_events(self):
        start = date(YEAR, 1, 1)
        rows = []
        for index in range(10000):
            checkin = start + timedelta(days=index * 2)
            code = f"HM{index:08d}"
            rows.append(
                (
                    f"{index:012x}-benchmark@airbnb.com",
                    checkin,
                    checkin + timedelta(days=2),
                    "Reserved" if index % 5 else "Airbnb (Not available)",
                    "Reservation URL: https://www.airbnb.com/hosting/reservations/"
                    f"details/{code}\nPhone Number (Last 4 Digits): {index % 10000:04d}"
                    if index % 5
                    else None,
                )
            )
        began = time.perf_counter()
        feed = make_feed(rows, prodid="-//Airbnb Inc//Hosting Calendar 1.0//EN")
        built = time.perf_counter()
        events = ical.merge_duplicates(ical.parse_feed(feed))
        parsed = time.perf_counter()
        self.assertEqual(len(events), 10000)
        self.assertEqual(events[1].confirmation_code, "HM00000001")
        self.assertTrue(events[0].is_block)
        # Generous bounds: they catch a blow-up, not a slow machine.
        self.assertLess(built - began, 5)
        self.assertLess(parsed - built, 60)
