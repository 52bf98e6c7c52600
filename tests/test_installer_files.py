"""The Windows installer script (built on Windows only) agrees with the bundle's spec and the package's version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "kiosk.spec"
ISS = ROOT / "installer" / "windows" / "kiosk.iss"


def _spec_name(call: str) -> str:
    """The ``name=`` given to PyInstaller's EXE(...) or COLLECT(...) in the spec."""
    found = re.search(rf"^\w+\s*=\s*{call}\((?P<args>.*?)\)\s*$", SPEC.read_text(), re.M | re.S)
    assert found, f"no {call}(...) in {SPEC.name}"
    name = re.search(r"\bname\s*=\s*[\"']([^\"']+)[\"']", found["args"])
    assert name, f"{call}(...) in {SPEC.name} has no name"
    return name[1]


def _iss() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def _defines() -> dict[str, str]:
    return dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', _iss(), re.M))


def _section(name: str) -> str:
    found = re.search(rf"^\[{name}\]\n(?P<body>.*?)(?=^\[|\Z)", _iss(), re.M | re.S)
    assert found, f"no [{name}] section in {ISS.name}"
    return found["body"]


def _expand(text: str) -> str:
    defines = _defines()
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m[1]], text)


def test_the_installer_takes_the_folder_and_program_the_spec_builds() -> None:
    defines = _defines()
    bundle, exe = _spec_name("COLLECT"), _spec_name("EXE")
    assert defines["BundleDir"].replace("\\", "/").endswith(f"dist/{bundle}")
    assert defines["AppExe"] == f"{exe}.exe"
    assert "{#BundleDir}\\*" in _section("Files")
    # The Start-menu entry, the task's program and the uninstaller's stop all name that program.
    assert "{app}\\{#AppExe}" in _section("Icons")
    assert "{#AppExe}" in _section("UninstallRun")
    assert "'\\{#AppExe}\"</Command>" in _section("Code")


def test_the_app_id_is_a_fixed_guid() -> None:
    app_id = re.search(r"^AppId=(.*)$", _section("Setup"), re.M)
    assert app_id, "no AppId"
    # "{{" is Inno's escaped brace: the id is the literal {GUID}, the same in every build.
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", app_id[1])


def test_the_task_created_is_the_task_removed() -> None:
    def task_names(text: str) -> set[str]:
        return set(re.findall(r'/TN ""?([^"]+)""?', _expand(text)))

    created = task_names(_section("Run"))
    assert len(created) == 1
    assert "/Create" in _section("Run") and "/XML" in _section("Run")
    assert task_names(_section("UninstallRun")) == created
    assert "/Delete" in _section("UninstallRun")
    assert task_names(_section("Code")) == created  # stopped and disabled before an upgrade


def test_the_installer_version_is_the_package_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert _defines()["AppVersion"] == version


@pytest.mark.parametrize("setting", ["<ExecutionTimeLimit>PT0S", "<RestartOnFailure>", "IgnoreNew"])
def test_the_task_runs_for_good_and_comes_back(setting: str) -> None:
    """Task Scheduler's defaults would stop the counter after 72 hours and never start it again."""
    assert setting in _section("Code")


def test_the_windows_build_page_is_linked() -> None:
    assert (ROOT / "installer" / "windows" / "build-windows.md").is_file()
    assert "windows/build-windows.md" in (ROOT / "installer" / "README.md").read_text()


def test_the_self_check_runs_the_console_twin_the_spec_builds_on_windows() -> None:
    # A windowed kiosk.exe has no stdout for the installer to read: the spec builds a console twin for it.
    spec = SPEC.read_text()
    assert 'name="kiosk-console", console=True' in spec
    assert _defines()["ConsoleExe"] == "kiosk-console.exe"
    assert "{#ConsoleExe}') + '\" --self-check" in _section("Code")
