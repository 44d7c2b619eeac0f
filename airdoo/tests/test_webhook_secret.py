import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.modules import neutralize
from odoo.tests import tagged

from odoo.addons.airdoo.const import (
    PARAM_WEBHOOK_ALLOW_UNSIGNED,
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_GRACE_HOURS,
    PARAM_WEBHOOK_SECRET_PREVIOUS,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
)

from .common import AirdooCase

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


@tagged("post_install", "-at_install")
class TestWebhookSecret(AirdooCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        for key in (
            PARAM_WEBHOOK_SECRET,
            PARAM_WEBHOOK_SECRET_PREVIOUS,
            PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
            PARAM_WEBHOOK_ALLOW_UNSIGNED,
            PARAM_WEBHOOK_SECRET_GRACE_HOURS,
        ):
            cls.params.set_param(key, False)
        cls.admin = cls.env.ref("base.user_admin")

    def _settings(self, user=None):
        return self.env["res.config.settings"].with_user(user or self.admin).create({})

    def test_generate_creates_a_long_url_safe_secret(self):
        settings = self._settings()
        self.assertFalse(settings.airdoo_webhook_signature_enabled)
        settings.action_airdoo_generate_webhook_secret()
        secret = self.params.get_param(PARAM_WEBHOOK_SECRET)
        self.assertGreaterEqual(len(secret), 48)
        self.assertRegex(secret, URL_SAFE)
        settings = self._settings()
        self.assertTrue(settings.airdoo_webhook_signature_enabled)
        self.assertEqual(settings.airdoo_webhook_secret, secret)
        # the first secret has no predecessor to keep
        self.assertFalse(self.params.get_param(PARAM_WEBHOOK_SECRET_PREVIOUS))

    def test_each_generation_gives_a_new_secret(self):
        Secret = self.env["airdoo.webhook.secret"]
        generated = {Secret._generate() for _ in range(5)}
        self.assertEqual(len(generated), 5)

    def test_rotation_keeps_previous_secret_for_the_grace_period(self):
        Secret = self.env["airdoo.webhook.secret"]
        old = Secret._generate()
        before = fields.Datetime.now()
        new = Secret._generate()
        self.assertNotEqual(old, new)
        self.assertEqual(self.params.get_param(PARAM_WEBHOOK_SECRET_PREVIOUS), old)
        expiry = fields.Datetime.to_datetime(
            self.params.get_param(PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY)
        )
        self.assertAlmostEqual((expiry - before).total_seconds(), 24 * 3600, delta=60)
        inside = before + timedelta(hours=23)
        after = before + timedelta(hours=25)
        self.assertEqual(
            Secret._get_valid_secrets(now=inside), [new.encode(), old.encode()]
        )
        self.assertEqual(Secret._get_valid_secrets(now=after), [new.encode()])

    def test_grace_period_setting_is_used(self):
        settings = self._settings()
        settings.airdoo_webhook_secret_grace_hours = 2
        settings.execute()
        Secret = self.env["airdoo.webhook.secret"]
        Secret._generate()
        before = fields.Datetime.now()
        Secret._generate()
        valid_at_1h = Secret._get_valid_secrets(now=before + timedelta(hours=1))
        valid_at_3h = Secret._get_valid_secrets(now=before + timedelta(hours=3))
        self.assertEqual(len(valid_at_1h), 2)
        self.assertEqual(len(valid_at_3h), 1)

    def test_revoking_the_previous_secret_ends_its_grace_period(self):
        Secret = self.env["airdoo.webhook.secret"]
        Secret._generate()
        new = Secret._generate()
        self.assertEqual(len(Secret._get_valid_secrets()), 2)
        self._settings().action_airdoo_revoke_previous_webhook_secret()
        self.assertEqual(Secret._get_valid_secrets(), [new.encode()])
        with self.assertRaises(AccessError):
            self._settings().with_user(
                self.airdoo_manager
            ).action_airdoo_revoke_previous_webhook_secret()

    def test_grace_period_below_one_hour_is_refused(self):
        with self.assertRaises(ValidationError):
            self._settings().write({"airdoo_webhook_secret_grace_hours": 0})

    def test_settings_show_previous_secret_expiry(self):
        Secret = self.env["airdoo.webhook.secret"]
        Secret._generate()
        self.assertFalse(self._settings().airdoo_webhook_previous_secret_expiry)
        Secret._generate()
        self.assertTrue(self._settings().airdoo_webhook_previous_secret_expiry)

    def test_only_system_administrators_see_or_generate_the_secret(self):
        self.env["airdoo.webhook.secret"]._generate()
        settings = self._settings(self.admin)
        self.assertTrue(settings.airdoo_webhook_secret)
        field = self.env["res.config.settings"]._fields["airdoo_webhook_secret"]
        self.assertEqual(field.groups, "base.group_system")
        with self.assertRaises(AccessError):
            settings.with_user(
                self.airdoo_manager
            ).action_airdoo_generate_webhook_secret()
        manager_settings = self.env["res.config.settings"].with_user(
            self.airdoo_manager
        )
        self.assertNotIn("airdoo_webhook_secret", manager_settings.fields_get())

    def test_unsigned_mode_is_off_by_default_and_ignored_once_a_secret_exists(self):
        Secret = self.env["airdoo.webhook.secret"]
        self.assertFalse(self._settings().airdoo_webhook_allow_unsigned)
        self.assertFalse(Secret._is_unsigned_allowed())
        self.params.set_param(PARAM_WEBHOOK_ALLOW_UNSIGNED, True)
        self.assertTrue(Secret._is_unsigned_allowed())
        Secret._generate()
        self.assertFalse(Secret._is_unsigned_allowed())

    def test_neutralization_removes_the_secrets(self):
        Secret = self.env["airdoo.webhook.secret"]
        Secret._generate()
        Secret._generate()
        self.env["ir.config_parameter"].flush_model()
        queries = neutralize.get_neutralization_queries(["airdoo"])
        for query in queries:
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertEqual(Secret._get_valid_secrets(), [])
