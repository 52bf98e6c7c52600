"""Every English UI string has its Chinese: in the committed .ts, compiled into the .qm, placeholders intact."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = runpy.run_path(str(ROOT / "scripts" / "update-translations.py"), run_name="update_translations")
FIX = "add the Chinese to kiosk_resources/translations/zh_CN.py and run scripts/update-translations.py"
PLACEHOLDER = re.compile(r"\{([a-z_]*)(?:[:!][^}]*)?\}")  # str.format fields; the format spec may differ


@pytest.fixture(scope="module")
def in_code(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    """(context, source) of every tr() string in kiosk/ui and kiosk/app.py, straight from lupdate."""
    ts = tmp_path_factory.mktemp("lupdate") / "current.ts"
    SCRIPT["lupdate"](ts)
    return {(context, source) for context, source, _m in SCRIPT["messages"](ts)}


@pytest.fixture(scope="module")
def committed() -> dict[tuple[str, str], str]:
    """(context, source) → Chinese in the committed .ts; obsolete (vanished) messages are left out."""
    found = {}
    for context, source, message in SCRIPT["messages"](SCRIPT["TS_FILE"]):
        translation = message.find("translation")
        finished = translation is not None and translation.get("type") != "unfinished"
        found[(context, source)] = (translation.text or "") if finished and translation is not None else ""
    return found


def test_every_ui_string_has_chinese(
    in_code: set[tuple[str, str]], committed: dict[tuple[str, str], str]
) -> None:
    assert in_code, "lupdate found no strings: is kiosk/ui empty?"
    missing = sorted(
        f"{context}: {source!r}" for context, source in in_code if not committed.get((context, source))
    )
    assert not missing, f"{len(missing)} UI strings have no Chinese ({FIX}):\n" + "\n".join(missing)


def test_the_qm_file_is_compiled_from_the_ts(qapp, committed: dict[tuple[str, str], str]) -> None:  # type: ignore[no-untyped-def]
    translator = QTranslator()
    assert translator.load(str(SCRIPT["QM_FILE"]))
    stale = sorted(
        f"{context}: {source!r}"
        for (context, source), chinese in committed.items()
        if chinese and translator.translate(context, source) != chinese
    )
    assert not stale, (
        "kiosk_zh_CN.qm is older than the .ts (run scripts/update-translations.py):\n" + "\n".join(stale)
    )


def test_translations_keep_their_placeholders(committed: dict[tuple[str, str], str]) -> None:
    broken = sorted(
        f"{source!r} → {chinese!r}"
        for (_context, source), chinese in committed.items()
        if chinese and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(chinese))
    )
    assert not broken, "a {field} is lost or renamed in the Chinese:\n" + "\n".join(broken)


def test_the_mapping_is_sorted() -> None:
    late = SCRIPT["unsorted_keys"](SCRIPT["load_mapping"]())
    assert not late, f"keep kiosk_resources/translations/zh_CN.py sorted; out of place: {late}"
