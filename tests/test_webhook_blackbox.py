"""The webhook contract as a website sees it: real HTTP against a live Odoo.

The senders are not copies: they are read from docs/webhooks.md and run as
they stand, so the examples integrators paste are the ones tested here.
"""

import hashlib
import hmac
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "webhooks.md"


def _load_const():
    """AirDoo's route and header names, without importing Odoo."""
    spec = importlib.util.spec_from_file_location(
        "airdoo_const", ROOT / "airdoo" / "const.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


const = _load_const()

SECRET = "blackbox-" + secrets.token_urlsafe(40)
OTHER_SECRET = "wrong-" + secrets.token_urlsafe(40)
CONTROLLER_LOGGER = "odoo.addons.airdoo.controllers.main"
TIMEOUT = (5, 60)  # connect, read
PARALLEL = 20
UNKNOWN_BOOKING = 987654321
START = date.today() + timedelta(days=400)


# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------


def day(offset):
    return (START + timedelta(days=offset)).isoformat()


def now_iso(offset_seconds=0):
    moment = datetime.now(timezone.utc) + timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(body, secret=SECRET):
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return const.SIGNATURE_PREFIX + digest


def update_body(booking_id, event_type="modified", **payload):
    payload = {
        "event_type": event_type,
        "booking_id": booking_id,
        "timestamp": now_iso(),
        **payload,
    }
    return json.dumps(payload).encode()


def send(
    server,
    body=b"",
    *,
    route=const.ROUTE_WEBHOOK_UPDATE,
    method="POST",
    secret=SECRET,
    signed=True,
    content_type="application/json",
    headers=None,
    session=requests,
):
    all_headers = {"Content-Type": content_type}
    if signed:
        all_headers[const.SIGNATURE_HEADER] = sign(body, secret)
    all_headers.update(headers or {})
    return session.request(
        method,
        server.base_url + route,
        data=body,
        headers=all_headers,
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def send_all_at_once(server, bodies):
    """POST every body at the same moment, one thread each."""
    barrier = threading.Barrier(len(bodies))

    def post(body):
        barrier.wait(timeout=30)
        return send(server, body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def create_bookings(server, accommodation, stays, **values):
    """Create confirmed bookings, one per (first day offset, nights)."""
    return server.rpc(
        "airdoo.booking",
        "create",
        [
            {
                "accommodation_id": accommodation,
                "checkin_date": day(offset),
                "checkout_date": day(offset + nights),
                "state": "confirmed",
                **values,
            }
            for offset, nights in stays
        ],
    )


def booking_row(server, booking_id):
    with server.cursor() as cr:
        cr.execute(
            "SELECT checkin_date, checkout_date, state, adults, guest_count, notes "
            "FROM airdoo_booking WHERE id = %s",
            (booking_id,),
        )
        checkin, checkout, state, adults, guests, notes = cr.fetchone()
    return {
        "checkin_date": checkin.isoformat(),
        "checkout_date": checkout.isoformat(),
        "state": state,
        "adults": adults,
        "guest_count": guests,
        "notes": notes,
    }


def booking_messages(server, booking_id):
    with server.cursor() as cr:
        cr.execute(
            "SELECT body FROM mail_message "
            "WHERE model = 'airdoo.booking' AND res_id = %s ORDER BY id",
            (booking_id,),
        )
        return [body or "" for (body,) in cr.fetchall()]


def error_code(response):
    return response.json()["error"]["code"]


def use_only_secret(server):
    """Make SECRET the one webhook secret, with the default settings."""
    params = {
        const.PARAM_WEBHOOK_SECRET: SECRET,
        const.PARAM_WEBHOOK_SECRET_PREVIOUS: False,
        const.PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY: False,
        const.PARAM_WEBHOOK_ALLOW_UNSIGNED: False,
        const.PARAM_WEBHOOK_MAX_PAYLOAD: False,
        const.PARAM_WEBHOOK_TIMESTAMP_TOLERANCE: False,
    }
    for key, value in params.items():
        server.rpc("ir.config_parameter", "set_param", key, value)


@pytest.fixture(scope="module")
def webhook(odoo_server):
    """The live server, with SECRET as its one webhook secret.

    A test that changes the secret puts it back when it ends.
    """
    use_only_secret(odoo_server)
    return odoo_server


# ----------------------------------------------------------------------
# The senders of the documentation
# ----------------------------------------------------------------------


def doc_example(name):
    """The code block marked ``<!-- example: name -->`` in the docs."""
    text = DOCS.read_text(encoding="utf-8")
    pattern = rf"^<!-- example: {re.escape(name)} -->\n```\w+\n(.*?)\n```$"
    found = re.findall(pattern, text, re.DOTALL | re.MULTILINE)
    assert len(found) == 1, f"expected one '{name}' example in {DOCS.name}"
    return found[0] + "\n"


SENDERS = {
    "node-sender": ("airdoo-send.mjs", ("node",)),
    "python-sender": ("airdoo_send.py", ()),
    "curl-sender": ("airdoo-send.sh", ("bash", "curl", "openssl")),
}


def sender_command(example, path):
    if example == "node-sender":
        return [shutil.which("node"), str(path)]
    if example == "python-sender":
        return [sys.executable, str(path)]
    return [shutil.which("bash"), str(path)]


def run_sender(server, command, *args):
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("AIRDOO_")
    }
    env.update(AIRDOO_URL=server.base_url, AIRDOO_WEBHOOK_SECRET=SECRET)
    result = subprocess.run(
        [*command, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=90,
        check=False,
    )
    status_line, _newline, body = result.stdout.partition("\n")
    return result, status_line, body


@pytest.mark.parametrize("example", list(SENDERS))
def test_documented_sender_changes_and_cancels_a_booking(
    webhook, accommodation, tmp_path, example
):
    filename, tools = SENDERS[example]
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    script = tmp_path / filename
    script.write_text(doc_example(example), encoding="utf-8")
    command = sender_command(example, script)
    (booking,) = create_bookings(webhook, accommodation, [(0, 3)], adults=2)
    messages_before = len(booking_messages(webhook, booking))

    # Non-ASCII text and quotes: the bytes signed must be the bytes sent.
    new_data = {"checkout_date": day(5), "adults": 3, "notes": "Arrives – “late” ✓"}
    result, status, body = run_sender(
        webhook,
        command,
        booking,
        "modified",
        json.dumps(new_data, ensure_ascii=False),
        'The guest wrote "see you soon"',
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert status == "HTTP 200"
    assert json.loads(body) == {
        "success": True,
        "updated": True,
        "message": "Booking updated",
        "booking_id": booking,
        "new_status": "modified",
    }
    assert booking_row(webhook, booking) == {
        "checkin_date": day(0),
        "checkout_date": day(5),
        "state": "modified",
        "adults": 3,
        "guest_count": 3,
        "notes": "Arrives – “late” ✓",
    }
    messages = booking_messages(webhook, booking)
    assert len(messages) == messages_before + 1
    assert "see you soon" in messages[-1]
    assert f"{day(3)} → {day(5)}" in messages[-1]

    # The usage line of the docs: an empty NEW_DATA_JSON, then a reason.
    result, status, body = run_sender(
        webhook, command, booking, "cancelled", "", "Flight cancelled"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert status == "HTTP 200"
    assert json.loads(body)["new_status"] == "cancelled"
    assert booking_row(webhook, booking)["state"] == "cancelled"
    assert "Flight cancelled" in booking_messages(webhook, booking)[-1]

    # A refusal is printed and ends with a non-zero exit code.
    result, status, body = run_sender(webhook, command, UNKNOWN_BOOKING, "cancelled")
    assert result.returncode != 0, result.stdout
    assert status == "HTTP 404"
    assert json.loads(body)["error"]["code"] == "booking_not_found"


# ----------------------------------------------------------------------
# Concurrency
# ----------------------------------------------------------------------


def test_parallel_moves_onto_the_same_nights_apply_once(webhook, accommodation):
    bookings = create_bookings(
        webhook, accommodation, [(10 * index, 2) for index in range(PARALLEL)]
    )
    target = {"checkin_date": day(-30), "checkout_date": day(-27)}
    bodies = [update_body(booking, new_data=target) for booking in bookings]

    responses = send_all_at_once(webhook, bodies)

    statuses = [response.status_code for response in responses]
    assert not [status for status in statuses if status >= 500], statuses
    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == PARALLEL - 1, statuses
    for response in responses:
        if response.status_code == 409:
            assert error_code(response) == "booking_conflict"
    winner = bookings[statuses.index(200)]

    with webhook.cursor() as cr:
        cr.execute(
            """
            SELECT count(*)
            FROM airdoo_booking a
            JOIN airdoo_booking b
              ON b.accommodation_id = a.accommodation_id AND b.id > a.id
             AND daterange(a.checkin_date, a.checkout_date, '[)')
              && daterange(b.checkin_date, b.checkout_date, '[)')
            WHERE a.accommodation_id = %s
              AND a.state != 'cancelled' AND b.state != 'cancelled'
            """,
            (accommodation,),
        )
        assert cr.fetchone()[0] == 0
        cr.execute(
            "SELECT id FROM airdoo_booking "
            "WHERE accommodation_id = %s AND checkin_date = %s",
            (accommodation, target["checkin_date"]),
        )
        assert [row[0] for row in cr.fetchall()] == [winner]
    for index, booking in enumerate(bookings):
        if booking != winner:
            row = booking_row(webhook, booking)
            assert (row["checkin_date"], row["state"]) == (day(10 * index), "confirmed")


def test_one_delivery_sent_twenty_times_at_once_is_applied_once(webhook, accommodation):
    (booking,) = create_bookings(webhook, accommodation, [(0, 3)])
    messages_before = len(booking_messages(webhook, booking))
    body = update_body(booking, "cancelled", reason="Sent by an eager retry loop")

    responses = send_all_at_once(webhook, [body] * PARALLEL)

    assert [response.status_code for response in responses] == [200] * PARALLEL
    assert {response.content for response in responses} == {responses[0].content}
    assert responses[0].json() == {
        "success": True,
        "updated": True,
        "message": "Booking cancelled",
        "booking_id": booking,
        "new_status": "cancelled",
    }
    replays = [
        response
        for response in responses
        if response.headers.get(const.REPLAY_HEADER) == "true"
    ]
    assert len(replays) == PARALLEL - 1

    assert booking_row(webhook, booking)["state"] == "cancelled"
    messages = booking_messages(webhook, booking)
    assert len(messages) == messages_before + 1
    assert "Cancelled by the website." in messages[-1]
    with webhook.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM airdoo_webhook_receipt WHERE route = %s AND key = %s",
            (const.ROUTE_WEBHOOK_UPDATE, "sig:" + sign(body)),
        )
        assert cr.fetchone()[0] == 1


# ----------------------------------------------------------------------
# Server log, cookies, secret rotation
# ----------------------------------------------------------------------


def test_each_refusal_logs_one_warning_and_never_the_secret(webhook, accommodation):
    (booking,) = create_bookings(webhook, accommodation, [(0, 3)])
    change = {"new_data": {"adults": 2}}
    forged = update_body(booking, **change)
    refusals = {
        "missing_signature": {"body": update_body(booking, **change), "signed": False},
        "invalid_signature": {"body": forged, "secret": OTHER_SECRET},
        "timestamp_out_of_tolerance": {
            "body": update_body(booking, timestamp=now_iso(-3600), **change)
        },
        "unsupported_media_type": {
            "body": update_body(booking, **change),
            "content_type": "text/plain",
        },
        "unknown_event_type": {"body": update_body(booking, "deleted")},
        "booking_not_found": {"body": update_body(UNKNOWN_BOOKING, **change)},
        "method_not_allowed": {"method": "GET", "signed": False},
    }
    log_start = len(webhook.log_text())

    for code, request in refusals.items():
        response = send(webhook, **request)
        assert 400 <= response.status_code < 500, response.text
        assert error_code(response) == code

    log = webhook.log_text()
    warnings = [
        line
        for line in log[log_start:].splitlines()
        if " WARNING " in line and CONTROLLER_LOGGER in line
    ]
    assert len(warnings) == len(refusals), "\n".join(warnings)
    for code in refusals:
        lines = [line for line in warnings if f" {code} " in line]
        assert len(lines) == 1, (code, warnings)
        assert "127.0.0.1" in lines[0]
    assert SECRET not in log
    assert sign(forged, OTHER_SECRET).partition("=")[2] not in log


def test_no_response_sets_a_cookie(webhook, accommodation):
    (booking,) = create_bookings(webhook, accommodation, [(0, 3)])
    session = requests.Session()
    applied = update_body(booking, new_data={"adults": 2, "children": 1})
    probe = json.dumps({"hello": "AirDoo", "timestamp": now_iso()}).encode()

    responses = {
        "GET test": send(
            webhook,
            route=const.ROUTE_WEBHOOK_TEST,
            method="GET",
            signed=False,
            session=session,
        ),
        "POST test": send(
            webhook, probe, route=const.ROUTE_WEBHOOK_TEST, session=session
        ),
        "applied": send(webhook, applied, session=session),
        "replayed": send(webhook, applied, session=session),
        "refused": send(webhook, applied, secret=OTHER_SECRET, session=session),
        "wrong method": send(webhook, method="GET", signed=False, session=session),
        "too large": send(
            webhook,
            update_body(booking, new_data={"notes": "x" * 70000}),
            session=session,
        ),
    }

    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "GET test": 200,
        "POST test": 200,
        "applied": 200,
        "replayed": 200,
        "refused": 401,
        "wrong method": 405,
        "too large": 413,
    }
    for name, response in responses.items():
        assert "Set-Cookie" not in response.headers, name
    assert not session.cookies
    # what the docs tell integrators to compare when a signature fails
    received = responses["POST test"].json()["received"]
    assert received == {
        "length": len(probe),
        "sha256": hashlib.sha256(probe).hexdigest(),
    }
    assert responses["POST test"].json()["verified"] is True


@pytest.fixture
def restore_secret(webhook):
    yield
    use_only_secret(webhook)


def test_secret_rotated_with_the_settings_button(
    webhook, accommodation, restore_secret
):
    (booking,) = create_bookings(webhook, accommodation, [(0, 3)])
    settings = webhook.rpc("res.config.settings", "create", {})
    webhook.rpc(
        "res.config.settings", "action_airdoo_generate_webhook_secret", [settings]
    )
    new_secret = webhook.rpc(
        "ir.config_parameter", "get_param", const.PARAM_WEBHOOK_SECRET
    )
    assert new_secret and new_secret != SECRET

    probe = json.dumps({"timestamp": now_iso()}).encode()
    with_new = send(webhook, probe, route=const.ROUTE_WEBHOOK_TEST, secret=new_secret)
    assert with_new.json()["message"] == "The signature is valid."
    # the previous secret still works during the grace period
    with_old = send(webhook, probe, route=const.ROUTE_WEBHOOK_TEST, secret=SECRET)
    assert with_old.json()["verified"] is True
    assert "previous secret" in with_old.json()["message"]
    response = send(
        webhook, update_body(booking, new_data={"adults": 4}), secret=SECRET
    )
    assert response.status_code == 200, response.text
    assert new_secret not in webhook.log_text()
