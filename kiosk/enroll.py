"""``kiosk-enroll``: keep the device id and secret the centre issued in the OS keyring, and check them."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.services.central_client import CentralClient
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk_core.errors import KioskError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiosk-enroll", description="Store this counter's device credentials in the OS keyring."
    )
    parser.add_argument("--device-id", required=True)
    parser.add_argument("--secret", help="the device secret (asked for when omitted; '-' reads stdin)")
    parser.add_argument("--central-url", help="check the credentials against this central service")
    args = parser.parse_args(argv)
    secret = args.secret
    if secret == "-":
        secret = sys.stdin.readline().strip()
    elif not secret:
        secret = getpass.getpass("device secret: ")
    try:
        if args.central_url:
            CentralClient(args.central_url).device_token(args.device_id, secret)
        store = SecretStore()
        store.set(DEVICE_ID, args.device_id)
        store.set(DEVICE_SECRET, secret)
    except KioskError as exc:
        print(f"kiosk-enroll: {exc}", file=sys.stderr)
        return 1
    checked = " and accepted by the centre" if args.central_url else ""
    print(f"device {args.device_id} stored in the keyring{checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
