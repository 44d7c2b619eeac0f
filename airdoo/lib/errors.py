"""The webhook error contract: one exception, one JSON shape."""


class WebhookError(Exception):
    """A request AirDoo refuses, with what the sender needs to fix it.

    :param int status: the HTTP status of the answer
    :param str code: a stable, machine-readable error code
    :param str message: a sentence for a person; never a secret, a signature,
        a stack trace or SQL
    :param dict headers: extra response headers
    :param dict details: extra members of the ``error`` object
    """

    def __init__(self, status, code, message, headers=None, details=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details or {}

    def to_dict(self):
        return {
            "success": False,
            "error": {"code": self.code, "message": self.message, **self.details},
        }


def invalid_payload(message):
    return WebhookError(400, "invalid_payload", message)


def invalid_value(message):
    return WebhookError(422, "invalid_value", message)
