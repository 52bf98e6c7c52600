#!/usr/bin/env python3
"""Refresh the UI's Chinese translation: lupdate → fill from kiosk_resources/translations/zh_CN.py → lrelease.

    scripts/update-translations.py          # writes kiosk_zh_CN.ts and kiosk_zh_CN.qm (commit both)

Source strings are English, in ``self.tr("...")`` or ``QCoreApplication.translate("Context", "...")`` anywhere
under kiosk/ui and in kiosk/app.py. Their Chinese is in the dict ``ZH_CN`` of kiosk_resources/translations/zh_CN.py:
add the new English string there (keep the dict sorted) and run this script. A key "Context|Source" gives one
context its own wording. Exit code 1 when a string has no Chinese yet or the dict is not sorted.
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "kiosk_resources" / "translations"
TS_FILE = TRANSLATIONS / "kiosk_zh_CN.ts"
QM_FILE = TRANSLATIONS / "kiosk_zh_CN.qm"
MAPPING_FILE = TRANSLATIONS / "zh_CN.py"
DEAD = ("vanished", "obsolete")  # lupdate's marks for strings no longer in the code


def sources() -> list[Path]:
    return sorted((ROOT / "kiosk" / "ui").rglob("*.py")) + [ROOT / "kiosk" / "app.py"]


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease next to this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"update-translations: {name} not found (pip install PySide6-Essentials)")
    return found


def lupdate(ts_file: Path) -> None:
    files = [str(p.relative_to(ROOT)) for p in sources()]
    cmd = [tool("pyside6-lupdate"), *files, "-source-language", "en", "-target-language", "zh_CN"]
    cmd += ["-no-obsolete", "-locations", "none", "-ts", str(ts_file)]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)


def messages(ts_file: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, message element) of every live message in a .ts file."""
    found = []
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") in DEAD:
                continue
            found.append((name, message.findtext("source", ""), message))
    return found


def load_mapping(path: Path = MAPPING_FILE) -> dict[str, str]:
    mapping = runpy.run_path(str(path))["ZH_CN"]
    assert isinstance(mapping, dict)
    return mapping


def unsorted_keys(mapping: dict[str, str]) -> list[str]:
    keys = list(mapping)
    return [b for a, b in zip(keys, keys[1:], strict=False) if a > b]


def fill(ts_file: Path, mapping: dict[str, str]) -> list[str]:
    """Write the Chinese into the .ts; returns the sources that have none."""
    tree = ET.parse(ts_file)
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            chinese = mapping.get(f"{name}|{source}", mapping.get(source))
            if chinese:
                translation.text = chinese
                translation.attrib.pop("type", None)
            else:
                translation.text = None
                translation.set("type", "unfinished")
                missing.append(f"{name}: {source!r}")
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts_file.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8")
    return missing


def lrelease(ts_file: Path, qm_file: Path) -> None:
    cmd = [tool("pyside6-lrelease"), str(ts_file), "-qm", str(qm_file)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def main() -> int:
    mapping = load_mapping()
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    lupdate(TS_FILE)
    missing = fill(TS_FILE, mapping)
    lrelease(TS_FILE, QM_FILE)
    used = {source for _context, source, _m in messages(TS_FILE)}
    unused = sorted(k for k in mapping if k.split("|", 1)[-1] not in used)
    print(f"update-translations: {len(used)} strings, {TS_FILE.relative_to(ROOT)} and {QM_FILE.name} written")
    for key in unused:
        print(f"  not used in the code (remove from zh_CN.py?): {key!r}")
    problems = 0
    for key in unsorted_keys(mapping):
        print(f"  zh_CN.py is not sorted: {key!r} comes too late", file=sys.stderr)
        problems += 1
    for entry in missing:
        print(f"  no Chinese yet: {entry}", file=sys.stderr)
        problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
