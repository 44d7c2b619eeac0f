from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AirdooCase


@tagged("post_install", "-at_install")
class TestAccessRights(AirdooCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(
            cls.env, login="plain_employee", groups="base.group_user"
        )
        cls.booking = cls.env["airdoo.booking"].create(
            {
                "accommodation_id": cls.accommodation.id,
                "checkin_date": cls.day(0),
                "checkout_date": cls.day(2),
            }
        )

    def test_user_reads_accommodations_but_cannot_change_them(self):
        Accommodation = self.env["airdoo.accommodation"].with_user(self.airdoo_user)
        self.assertEqual(
            Accommodation.browse(self.accommodation.id).name, "Test Cottage"
        )
        with self.assertRaises(AccessError):
            Accommodation.create({"name": "Not mine to add"})
        with self.assertRaises(AccessError):
            Accommodation.browse(self.accommodation.id).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            Accommodation.browse(self.accommodation.id).unlink()

    def test_user_manages_bookings_but_cannot_delete(self):
        Booking = self.env["airdoo.booking"].with_user(self.airdoo_user)
        booking = Booking.create(
            {
                "accommodation_id": self.accommodation.id,
                "checkin_date": self.day(5),
                "checkout_date": self.day(7),
            }
        )
        booking.action_confirm()
        self.assertEqual(booking.state, "confirmed")
        booking.action_cancel()
        with self.assertRaises(AccessError):
            booking.unlink()

    def test_manager_has_full_access(self):
        Accommodation = self.env["airdoo.accommodation"].with_user(self.airdoo_manager)
        accommodation = Accommodation.create({"name": "Manager's Cabin"})
        accommodation.write({"max_guests": 3})
        booking = self.booking.with_user(self.airdoo_manager)
        booking.unlink()
        accommodation.unlink()
        self.assertFalse(accommodation.exists())

    def test_employee_without_airdoo_group_sees_nothing(self):
        for model in ("airdoo.accommodation", "airdoo.booking"):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.employee).search([])

    def test_manager_group_implies_user_group(self):
        self.assertTrue(self.airdoo_manager.has_group("airdoo.group_airdoo_user"))
        self.assertFalse(self.airdoo_user.has_group("airdoo.group_airdoo_manager"))
        manager_group = self.env.ref("airdoo.group_airdoo_manager")
        self.assertIn(self.env.ref("base.user_admin"), manager_group.user_ids)
