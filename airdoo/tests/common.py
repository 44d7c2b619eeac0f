from datetime import date, timedelta

from odoo.tests import TransactionCase, new_test_user


class AirdooCase(TransactionCase):
    """Fixtures shared by AirDoo's tests: one company, one accommodation, a
    user and a manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.accommodation = cls.env["airdoo.accommodation"].create(
            {
                "name": "Test Cottage",
                "max_guests": 4,
                "company_id": cls.company.id,
            }
        )
        cls.airdoo_user = new_test_user(
            cls.env, login="airdoo_user", groups="airdoo.group_airdoo_user"
        )
        cls.airdoo_manager = new_test_user(
            cls.env, login="airdoo_manager", groups="airdoo.group_airdoo_manager"
        )
        # A fixed reference in the future, so tests never depend on today.
        cls.day0 = date.today() + timedelta(days=60)

    @classmethod
    def day(cls, offset):
        return cls.day0 + timedelta(days=offset)

    def book(self, checkin, checkout, accommodation=None, **values):
        """Create a confirmed booking from day offsets relative to day0."""
        return self.env["airdoo.booking"].create(
            {
                "accommodation_id": (accommodation or self.accommodation).id,
                "checkin_date": self.day(checkin),
                "checkout_date": self.day(checkout),
                "state": "confirmed",
                **values,
            }
        )
