"""The ``kiosk`` command's options override the configuration file (the demo command relies on them)."""

from __future__ import annotations

from pathlib import Path

from kiosk.app import _config, _parse_args


def test_printer_option_overrides_the_configured_printer(tmp_path: Path) -> None:
    toml = tmp_path / "kiosk.toml"
    toml.write_text('[printer]\nname = "Counter3"\nslip_layout = "receipt80"\n', "utf-8")
    assert _config(_parse_args(["--config", str(toml)])).printer.name == "Counter3"
    config = _config(_parse_args(["--config", str(toml), "--printer", "KioskPDF"]))
    assert config.printer.name == "KioskPDF"
    assert config.printer.slip_layout == "receipt80"  # the rest of the section stays
    assert _config(_parse_args(["--config", str(toml), "--printer", ""])).printer.name == ""
