from . import airdoo_accommodation
from . import airdoo_booking
from . import airdoo_webhook_event
from . import airdoo_webhook_receipt
from . import airdoo_webhook_secret
from . import airdoo_webhook_service
from . import res_company
from . import res_config_settings
