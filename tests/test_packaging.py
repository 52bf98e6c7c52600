"""A counter PC and a centre server each install only what they run: the extras, and what each side imports."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTER_ONLY = ("PySide6", "reportlab", "qrcode", "keyring", "requests")
CENTRE_ONLY = ("fastapi", "starlette", "uvicorn", "psycopg", "pydantic")


def _extras() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    return {"core": project["dependencies"], **extras}


def _names(requirements: list[str]) -> set[str]:
    return {r.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower() for r in requirements}


def test_each_side_installs_only_its_own_libraries() -> None:
    extras = _extras()
    core, counter, centre = (_names(extras[k]) for k in ("core", "counter", "centre"))
    assert not core & {n.lower() for n in COUNTER_ONLY + CENTRE_ONLY + ("sqlalchemy",)}
    assert not counter & {n.lower() for n in CENTRE_ONLY}
    assert not centre & {"pyside6-essentials", "pyside6-addons", "reportlab", "qrcode", "keyring", "requests"}
    assert "kiosk[counter,centre]" in extras["test"]  # the README's commands install everything


def _imported(code: str) -> set[str]:
    probe = f"import sys; {code}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(done.stdout.split())


def test_the_centre_runs_without_the_counters_libraries() -> None:
    loaded = _imported("import kiosk_central.cli, kiosk_central.api.app")
    assert not loaded & set(COUNTER_ONLY), loaded & set(COUNTER_ONLY)
    assert "kiosk" not in loaded


def test_the_counter_runs_without_the_centres_libraries() -> None:
    loaded = _imported("import kiosk.app, kiosk.bootstrap, kiosk.ui.main_window")
    assert not loaded & set(CENTRE_ONLY), loaded & set(CENTRE_ONLY)
    assert "kiosk_central" not in loaded


def test_the_shared_core_needs_neither() -> None:
    loaded = _imported(
        "import kiosk_core.eligibility, kiosk_core.identity, kiosk_core.passwords, kiosk_core.reg_no, kiosk_core.wire"
    )
    assert not loaded & set(COUNTER_ONLY + CENTRE_ONLY + ("sqlalchemy",))


def test_the_wheel_carries_the_resources_and_finds_them_outside_the_checkout(tmp_path: Path) -> None:
    """A built wheel, installed into a folder of its own, finds its fonts, theme and translations there."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            tmp_path,
            ROOT,
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("kiosk-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, wheel],
        check=True,
        capture_output=True,
    )
    probe = "from kiosk_core.resources import RESOURCES; print(RESOURCES)"
    found = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,  # not the checkout: only the installed copy can be found
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    ).stdout.strip()
    resources = Path(found)
    assert resources.is_relative_to(site), found
    for needed in ("fonts/wqy-microhei.ttc", "theme/kiosk.qss", "translations/kiosk_zh_CN.qm"):
        assert (resources / needed).is_file(), needed
