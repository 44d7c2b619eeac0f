"""Reading AirDoo's numeric settings from system parameters."""


def positive_int_param(env, key, default):
    """The system parameter ``key`` as a positive integer.

    A missing, empty, non-numeric or non-positive value gives ``default``:
    a setting mistyped by hand never disables a limit.
    """
    raw = env["ir.config_parameter"].sudo().get_param(key)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default
