"""Start and drive a real Odoo server process for the black-box tests.

The test command (``tools/dev test``) prepares a PostgreSQL cluster and a
template database with AirDoo installed, and describes them through
``AIRDOO_*`` environment variables. Each test session copies the template
into its own database and serves it from a separate Odoo process, so the
tests see exactly what a website would: HTTP, real transactions, real logs.
"""

import os
import shutil
import socket
import subprocess
import time
import xmlrpc.client
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2
import requests

REQUIRED_VARIABLES = (
    "AIRDOO_PYTHON",
    "AIRDOO_ODOO_BIN",
    "AIRDOO_ODOO_CONF",
    "AIRDOO_DB_HOST",
    "AIRDOO_DB_PORT",
    "AIRDOO_DB_USER",
    "AIRDOO_TEMPLATE_DB",
)

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"


def settings():
    missing = [name for name in REQUIRED_VARIABLES if not os.environ.get(name)]
    if missing:
        raise RuntimeError(
            "The black-box tests need a prepared Odoo and PostgreSQL; run them "
            f"through `tools/dev test` (missing: {', '.join(missing)})."
        )
    return {name: os.environ[name] for name in REQUIRED_VARIABLES}


def free_port():
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def pg_connection(dbname="postgres", autocommit=True):
    env = settings()
    connection = psycopg2.connect(
        host=env["AIRDOO_DB_HOST"],
        port=env["AIRDOO_DB_PORT"],
        user=env["AIRDOO_DB_USER"],
        dbname=dbname,
    )
    connection.autocommit = autocommit
    try:
        yield connection
    finally:
        connection.close()


def odoo_data_dir():
    """The data_dir of the generated configuration (it holds filestores)."""
    for line in Path(settings()["AIRDOO_ODOO_CONF"]).read_text().splitlines():
        key, _sep, value = line.partition("=")
        if key.strip() == "data_dir":
            return Path(value.strip())
    return None


def drop_database(dbname):
    with pg_connection() as connection, connection.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    data_dir = odoo_data_dir()
    if data_dir:
        shutil.rmtree(data_dir / "filestore" / dbname, ignore_errors=True)


def copy_template(dbname):
    """Create ``dbname`` as a copy of the prepared template database."""
    template = settings()["AIRDOO_TEMPLATE_DB"]
    drop_database(dbname)
    with pg_connection() as connection, connection.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
    data_dir = odoo_data_dir()
    if data_dir and (data_dir / "filestore" / template).is_dir():
        shutil.copytree(
            data_dir / "filestore" / template, data_dir / "filestore" / dbname
        )


def run_odoo(*args, timeout=600):
    """Run odoo-bin to completion with the generated configuration."""
    env = settings()
    command = [env["AIRDOO_PYTHON"], env["AIRDOO_ODOO_BIN"], *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class OdooServer:
    """An Odoo server process serving one database on a free local port."""

    def __init__(self, dbname, log_path, extra_args=()):
        self.dbname = dbname
        self.log_path = Path(log_path)
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout=120):
        env = settings()
        command = [
            env["AIRDOO_PYTHON"],
            env["AIRDOO_ODOO_BIN"],
            "-c",
            env["AIRDOO_ODOO_CONF"],
            "-d",
            self.dbname,
            f"--db-filter=^{self.dbname}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            "--max-cron-threads=0",
            "--workers=0",
            f"--logfile={self.log_path}",
            "--log-level=info",
            *self.extra_args,
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Odoo exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if requests.get(f"{self.base_url}/web/health", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"Odoo did not answer within {timeout}s; see {self.log_path}"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_text(self):
        return (
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )

    # -- XML-RPC as the administrator ------------------------------------

    def rpc(self, model, method, *args, **kwargs):
        common = xmlrpc.client.ServerProxy(f"{self.base_url}/xmlrpc/2/common")
        uid = common.authenticate(self.dbname, ADMIN_LOGIN, ADMIN_PASSWORD, {})
        models = xmlrpc.client.ServerProxy(
            f"{self.base_url}/xmlrpc/2/object", allow_none=True
        )
        return models.execute_kw(
            self.dbname, uid, ADMIN_PASSWORD, model, method, list(args), kwargs
        )

    @contextmanager
    def cursor(self):
        """A direct database cursor, committed when the block ends."""
        with pg_connection(self.dbname, autocommit=False) as connection:
            with connection.cursor() as cr:
                yield cr
            connection.commit()
