from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AirdooCase


@tagged("post_install", "-at_install")
class TestMultiCompany(AirdooCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Rentals"})
        cls.other_accommodation = cls.env["airdoo.accommodation"].create(
            {"name": "Other Company Flat", "company_id": cls.other_company.id}
        )
        cls.other_booking = cls.env["airdoo.booking"].create(
            {
                "accommodation_id": cls.other_accommodation.id,
                "checkin_date": cls.day(0),
                "checkout_date": cls.day(3),
            }
        )
        cls.own_booking = cls.env["airdoo.booking"].create(
            {
                "accommodation_id": cls.accommodation.id,
                "checkin_date": cls.day(0),
                "checkout_date": cls.day(3),
            }
        )
        cls.own_company_manager = new_test_user(
            cls.env,
            login="own_company_manager",
            groups="airdoo.group_airdoo_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def test_records_of_other_companies_are_invisible(self):
        env = self.env(user=self.own_company_manager)
        accommodations = env["airdoo.accommodation"].search([])
        bookings = env["airdoo.booking"].search([])
        self.assertIn(self.accommodation, accommodations)
        self.assertNotIn(self.other_accommodation, accommodations)
        self.assertIn(self.own_booking, bookings)
        self.assertNotIn(self.other_booking, bookings)
        with self.assertRaises(AccessError):
            env["airdoo.booking"].browse(self.other_booking.id).read(["checkin_date"])

    def test_booking_belongs_to_its_accommodations_company(self):
        self.assertEqual(self.other_booking.company_id, self.other_company)
        self.assertEqual(self.own_booking.company_id, self.company)

    def test_user_of_both_companies_sees_both_when_both_are_active(self):
        self.own_company_manager.company_ids = [(4, self.other_company.id)]
        env = self.env(
            user=self.own_company_manager,
            context={"allowed_company_ids": [self.company.id, self.other_company.id]},
        )
        bookings = env["airdoo.booking"].search([])
        self.assertIn(self.own_booking, bookings)
        self.assertIn(self.other_booking, bookings)

    def test_cannot_book_another_companys_accommodation_from_own_company(self):
        env = self.env(user=self.own_company_manager)
        with self.assertRaises(AccessError):
            env["airdoo.booking"].create(
                {
                    "accommodation_id": self.other_accommodation.id,
                    "checkin_date": self.day(10),
                    "checkout_date": self.day(12),
                }
            )
