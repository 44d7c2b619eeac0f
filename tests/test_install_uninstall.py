"""AirDoo installs on an empty database and uninstalls without leftovers."""

import pytest

from .odoo_server import drop_database, pg_connection, run_odoo, settings

FRESH_DB = "airdoo_fresh_install"


@pytest.fixture
def fresh_db():
    drop_database(FRESH_DB)
    yield FRESH_DB
    drop_database(FRESH_DB)


def _scalar(dbname, query, params=()):
    with pg_connection(dbname) as connection, connection.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchone()[0]


def test_install_then_uninstall_on_a_fresh_database(fresh_db):
    conf = settings()["AIRDOO_ODOO_CONF"]
    installed = run_odoo(
        "-c", conf, "-d", fresh_db, "-i", "airdoo", "--stop-after-init", "--no-http"
    )
    assert installed.returncode == 0, installed.stderr[-4000:]
    assert "ERROR" not in installed.stderr, installed.stderr[-4000:]
    state = _scalar(
        fresh_db, "SELECT state FROM ir_module_module WHERE name = 'airdoo'"
    )
    assert state == "installed"
    assert _scalar(fresh_db, "SELECT to_regclass('airdoo_booking') IS NOT NULL")
    assert (
        _scalar(
            fresh_db,
            "SELECT count(*) FROM pg_constraint "
            "WHERE conname = 'airdoo_booking_no_overlap'",
        )
        == 1
    )

    # A secret left behind would outlive the module: uninstalling removes it.
    with pg_connection(fresh_db) as connection, connection.cursor() as cr:
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) "
            "VALUES ('airdoo.webhook_secret', 'left-behind')"
        )

    uninstalled = run_odoo("module", "uninstall", "-c", conf, "-d", fresh_db, "airdoo")
    assert uninstalled.returncode == 0, uninstalled.stderr[-4000:]
    assert "ERROR" not in uninstalled.stderr, uninstalled.stderr[-4000:]
    state = _scalar(
        fresh_db, "SELECT state FROM ir_module_module WHERE name = 'airdoo'"
    )
    assert state == "uninstalled"
    assert _scalar(fresh_db, "SELECT to_regclass('airdoo_booking') IS NULL")
    assert _scalar(fresh_db, "SELECT to_regclass('airdoo_accommodation') IS NULL")
    assert (
        _scalar(
            fresh_db,
            "SELECT count(*) FROM ir_config_parameter WHERE key LIKE 'airdoo.%%'",
        )
        == 0
    )
