from . import test_access
from . import test_booking
from . import test_multi_company
from . import test_webhook_secret
