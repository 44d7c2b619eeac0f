import pytest

from .odoo_server import OdooServer, copy_template, drop_database

BLACK_BOX_DB = "airdoo_blackbox"


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory):
    """One Odoo server process for the session, on a copy of the template."""
    copy_template(BLACK_BOX_DB)
    log_path = tmp_path_factory.mktemp("odoo") / "odoo.log"
    server = OdooServer(BLACK_BOX_DB, log_path).start()
    yield server
    server.stop()
    drop_database(BLACK_BOX_DB)


@pytest.fixture
def accommodation(odoo_server, request):
    """A fresh accommodation for one test, so tests never share dates."""
    name = f"Black-box {request.node.name}"[:120]
    return odoo_server.rpc("airdoo.accommodation", "create", {"name": name})
