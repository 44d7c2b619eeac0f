"""Names and defaults shared by the models, the controllers, the tests and
the documentation."""

# Webhook routes. Code, docs and tests refer to these, never to literals.
ROUTE_WEBHOOK_UPDATE = "/airdoo/webhook/update"
ROUTE_WEBHOOK_CALENDAR_SYNC = "/airdoo/webhook/calendar_sync"
ROUTE_WEBHOOK_TEST = "/airdoo/webhook/test"

# Public iCal exports. The templates build URLs; the patterns route them.
ROUTE_ICAL_EXPORT = "/airdoo/ical/{token}.ics"
ROUTE_ICAL_FEED_EXPORT = "/airdoo/ical/feed/{token}.ics"
ROUTE_ICAL_EXPORT_PATTERN = "/airdoo/ical/<string:token>.ics"
ROUTE_ICAL_FEED_EXPORT_PATTERN = "/airdoo/ical/feed/<string:token>.ics"

# Request and response headers.
SIGNATURE_HEADER = "X-Odoo-Signature"
SIGNATURE_PREFIX = "sha256="
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAY_HEADER = "X-AirDoo-Replay"

# System parameters (ir.config_parameter keys).
PARAM_WEBHOOK_SECRET = "airdoo.webhook_secret"
PARAM_WEBHOOK_SECRET_PREVIOUS = "airdoo.webhook_secret_previous"
PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY = "airdoo.webhook_secret_previous_expiry"
PARAM_WEBHOOK_SECRET_GRACE_HOURS = "airdoo.webhook_secret_grace_hours"
PARAM_WEBHOOK_ALLOW_UNSIGNED = "airdoo.webhook_allow_unsigned"
PARAM_WEBHOOK_TIMESTAMP_TOLERANCE = "airdoo.webhook_timestamp_tolerance"
PARAM_WEBHOOK_MAX_PAYLOAD = "airdoo.webhook_max_payload_bytes"
PARAM_WEBHOOK_LOG_RETENTION_DAYS = "airdoo.webhook_log_retention_days"
PARAM_CALENDAR_SYNC_INTERVAL = "airdoo.calendar_sync_interval_minutes"

# Every parameter that holds a secret: neutralized databases lose them.
SECRET_PARAMS = (
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_PREVIOUS,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
)

DEFAULT_WEBHOOK_SECRET_GRACE_HOURS = 24
DEFAULT_WEBHOOK_TIMESTAMP_TOLERANCE = 300  # seconds, both directions
DEFAULT_WEBHOOK_MAX_PAYLOAD = 64 * 1024  # bytes
DEFAULT_WEBHOOK_LOG_RETENTION_DAYS = 90
DEFAULT_CALENDAR_SYNC_INTERVAL = 30  # minutes

# secrets.token_urlsafe(48) gives 64 URL-safe characters (384 bits).
WEBHOOK_SECRET_BYTES = 48

# The delivery log keeps at most this much of each request body.
WEBHOOK_LOG_BODY_LIMIT = 16 * 1024
