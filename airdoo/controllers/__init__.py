from . import ical_export
from . import main
