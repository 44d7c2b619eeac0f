"""Names and defaults shared by the models, the controllers and the tests."""

# System parameters (ir.config_parameter keys).
PARAM_WEBHOOK_SECRET = "airdoo.webhook_secret"
PARAM_WEBHOOK_SECRET_PREVIOUS = "airdoo.webhook_secret_previous"
PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY = "airdoo.webhook_secret_previous_expiry"
PARAM_WEBHOOK_SECRET_GRACE_HOURS = "airdoo.webhook_secret_grace_hours"
PARAM_WEBHOOK_ALLOW_UNSIGNED = "airdoo.webhook_allow_unsigned"

# Every parameter that holds a secret: neutralized databases lose them.
SECRET_PARAMS = (
    PARAM_WEBHOOK_SECRET,
    PARAM_WEBHOOK_SECRET_PREVIOUS,
    PARAM_WEBHOOK_SECRET_PREVIOUS_EXPIRY,
)

DEFAULT_WEBHOOK_SECRET_GRACE_HOURS = 24

# secrets.token_urlsafe(48) gives 64 URL-safe characters (384 bits).
WEBHOOK_SECRET_BYTES = 48
