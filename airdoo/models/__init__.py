from . import airdoo_accommodation
from . import airdoo_booking
from . import airdoo_webhook_secret
from . import res_config_settings
