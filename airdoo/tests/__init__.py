from . import test_access
from . import test_booking
from . import test_multi_company
from . import test_payload
from . import test_signature
from . import test_webhook_http
from . import test_webhook_secret
