"""The bundle's entry point: the same ``kiosk`` command as the installed package's script."""

import sys

from kiosk.app import main

if __name__ == "__main__":
    sys.exit(main())
