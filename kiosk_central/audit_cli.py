"""``kiosk-central audit-verify``: a counter's audit chain against the heads the centre has seen."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk_central.bootstrap import Central
from kiosk_central.services import audit_heads
from kiosk_central.services.errors import CentralError


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "audit-verify",
        parents=[common],
        help="check a counter's audit log against the heads its batches brought (exit 1 when it was changed)",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--device-id", help="the id enroll-device printed")
    which.add_argument("--counter", help="the counter whose enabled device to check, e.g. 03")
    p.add_argument(
        "--cache", type=Path, help="a copy of the counter's kiosk.db: its whole chain is walked too"
    )
    p.add_argument(
        "--key-file",
        type=Path,
        help="with --cache: a file holding the counter's audit_key (hex) from its keyring",
    )
    p.add_argument(
        "--cache-key-file",
        type=Path,
        help="with --cache: a file holding the counter's cache_key (hex) from its keyring (its cache is encrypted)",
    )


def run(central: Central, args: argparse.Namespace) -> None:
    if (args.cache is None) != (args.key_file is None):
        raise CentralError("--cache 与 --key-file 须同时给出", code="invalid_arguments")
    with central.db.session() as s:
        device_id = args.device_id or central.auth.active_device(s, args.counter)
        heads = audit_heads.seen(s, device_id)
    print(f"设备 {device_id}：中心记下的审计链头 {len(heads)} 个")
    problems = [
        f"第 {h.seq} 条（{h.received_at:%Y-%m-%d %H:%M:%S} 收到）：{h.verdict}"
        for h in heads
        if h.verdict != "ok"
    ]
    if args.cache is not None:
        try:
            key = bytes.fromhex(args.key_file.read_text(encoding="utf-8").strip())
        except ValueError:
            raise CentralError("密钥文件的内容不是十六进制密钥", code="invalid_arguments") from None
        cache_key = None
        if args.cache_key_file is not None:
            cache_key = args.cache_key_file.read_text(encoding="utf-8").strip().lower()
        check = audit_heads.check_cache(args.cache, key, heads, cache_key)
        r = check.report
        print(f"本机缓存：{r.entries} 条审计记录，其中链前未加封 {r.unsealed} 条")
        if not r.intact:
            problems.append(f"第 {r.broken_at} 条起审计链断开：{r.reason}")
        problems += [f"中心记下的第 {h.seq} 条已不在本机缓存中，或已被改动" for h in check.missing]
    for line in problems:
        print(f"  {line}")
    if problems:
        raise CentralError("审计记录被改动过", hint="见上列各条", code="audit_broken")
    print("审计链完整")
