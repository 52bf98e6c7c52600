"""``python -m kiosk_central`` is ``kiosk-central``."""

import sys

from kiosk_central.cli import main

sys.exit(main())
