"""Selection at the counter without a centre: the result sheet (made, kept, reprinted, found again), the scan's
reading, the state's reading (countdown with a wrong clock, filters) and the answers when the centre is away."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kiosk.bootstrap import Built, build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.central_client import local_time
from kiosk.services.secrets import CACHE_KEY, DEVICE_TOKEN, SecretStore
from kiosk.services.selection import SelectionOffline, normalise_scan
from kiosk.services.selection_sheet import keep_sheet
from kiosk.services.selection_views import selection_view
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_core.errors import InvalidInput, NotFound
from kiosk_core.identity import mask_id_number
from kiosk_core.model import Role
from kiosk_core.reg_no import make_reg_no
from kiosk_core.selection_wire import SelectionState, SheetData
from tests.builders import NOW, World
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.keyrings import TEST_CACHE_KEY

CLERK = OperatorSession(1, "clerk1", "王晓梅", Role.CLERK, "03")
FULL_ID = re.compile(r"\d{17}[\dX]")
REG_NO = make_reg_no("Q2611", 5)


class MemorySecrets(SecretStore):
    def __init__(self) -> None:
        super().__init__("kiosk-test")
        self.values: dict[str, str] = {CACHE_KEY: TEST_CACHE_KEY}  # as tests.keyrings has it

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value


def sheet_data(filing_no: str, id_number: str, reg_no: str = REG_NO, **kw: Any) -> SheetData:
    data: SheetData = {
        "plan_code": "Q2611",
        "plan_name": "快速配租测试计划",
        "reg_no": reg_no,
        "filing_no": filing_no,
        "masked_name": "测**k",
        "masked_id": mask_id_number(id_number),
        "unit_code": "Q-1-0301",
        "project_name": "朝阳家园",
        "unit_type_name": "一居室",
        "building": "3",
        "floor": 12,
        "number": "1203",
        "orientation": "南北",
        "area": 40.5,
        "rent": 1500.0,
        "chosen_at": "2026-11-24T10:03:07+08:00",
        "how": "confirmed",
        "counter": "03",
        "operator": "王晓梅",
        "verify_url": f"http://centre.example:8700/public/selection/Q2611/{reg_no}",
    }
    return data | kw  # type: ignore[return-value]


def _text(pdf: Path) -> str:
    return re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))


def _keep(built: Built, data: SheetData) -> None:
    with built.uow() as uow:
        keep_sheet(uow.session, data, NOW)
        uow.commit()


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def away(tmp_path: Path, clock: MovableClock, secrets: MemorySecrets) -> Iterator[Built]:
    """A counter whose centre is configured but not there (nothing listens on port 9 of loopback)."""
    config = Config(data_dir=tmp_path / "away", counter="03", central=CentralConfig(url="http://127.0.0.1:9"))
    b = build_services(config, FakePrinter(), clock, CHEAP_HASHER, secrets)
    yield b
    b.engine.dispose()


def test_the_sheet_prints_the_unit_and_the_household_masked_and_is_kept_private(
    built: Built, world: World, printer: FakePrinter
) -> None:
    filing_no, id_number = world.households["ok"]
    _keep(built, sheet_data(filing_no, id_number))
    done = built.services.selection.reprint_sheet("Q2611", REG_NO, CLERK)
    assert done.printed and printer.printed == [done.path] and "已送打印机" in done.message
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600
    text = _text(done.path)
    for expected in (
        "选房确认书",
        "快速配租测试计划",
        "3栋12层1203",
        "Q-1-0301",
        "朝阳家园",
        "一居室",
        "南北",
    ):
        assert expected in text, expected
    chosen = local_time("2026-11-24T10:03:07+08:00")  # printed in the counter's wall time
    assert "40.5平方米" in text and "1500元" in text and f"2026年11月24日{chosen:%H:%M:%S}" in text
    assert "3号窗口" in text and "王晓梅" in text and "现场确认正选" in text and "选房家庭签字" in text
    assert mask_id_number(id_number) in text and "测**k" in text and filing_no in text
    assert not FULL_ID.search(text) and "测试ok" not in text
    assert f"/public/selection/Q2611/{REG_NO}" in text
    with built.uow() as uow:
        row = uow.session.query(t.SelectionSheet).one()
        assert row.printed_at == NOW and row.sheet_path == str(done.path)
        entry = uow.session.query(t.AuditEntry).filter_by(action="selection_sheet_reprint").one()
        assert entry.subject == REG_NO and entry.detail["printed"] is True


def test_an_auto_picked_sheet_says_so_and_names_no_counter(built: Built, world: World) -> None:
    filing_no, id_number = world.households["ok"]
    _keep(built, sheet_data(filing_no, id_number, how="auto_picked", counter=None, operator=None))
    text = _text(built.services.selection.reprint_sheet("Q2611", REG_NO, CLERK).path)
    assert "系统自动选定" in text and "中心自动选定" in text


def test_a_jammed_printer_keeps_the_sheet_and_says_so(
    built: Built, world: World, printer: FakePrinter
) -> None:
    filing_no, id_number = world.households["ok"]
    _keep(built, sheet_data(filing_no, id_number))
    printer.fail_with = "卡纸"
    done = built.services.selection.reprint_sheet("Q2611", REG_NO, CLERK)
    assert (
        not done.printed and done.path.exists() and "未打印" in done.message and "文件已保存" in done.message
    )
    with built.uow() as uow:
        assert uow.session.query(t.SelectionSheet).one().printed_at is None


def test_a_household_finds_its_sheet_by_filing_id_or_registration_number(built: Built, world: World) -> None:
    filing_no, id_number = world.households["ok"]
    _keep(built, sheet_data(filing_no, id_number))
    other_filing, other_id = world.households["late"]
    _keep(built, sheet_data(other_filing, other_id, reg_no=make_reg_no("Q2611", 9), unit_code="Q-1-0302"))
    service = built.services.selection
    full_width = id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    for query in (filing_no.lower(), f" {filing_no[:6]} {filing_no[6:]} ", full_width, REG_NO.lower()):
        found = service.find_sheets(query)
        assert [s.unit_code for s in found] == ["Q-1-0301"], query
    with pytest.raises(NotFound):
        service.find_sheets("BA2024999999")
    with pytest.raises(InvalidInput):
        service.find_sheets("  ")
    with pytest.raises(NotFound) as missing:
        service.reprint_sheet("Q2611", make_reg_no("Q2611", 77), CLERK)
    assert missing.value.code == "sheet_not_kept"


def test_a_scan_is_read_as_at_registration() -> None:
    assert normalise_scan("ba２０２４０００００１") == ("filing_no", "BA2024000001")
    assert normalise_scan("https://x.example/f?no=BA2024000001&t=1") == ("filing_no", "BA2024000001")
    assert normalise_scan(" 11010519491231002x ") == ("id_number", "11010519491231002X")
    with pytest.raises(InvalidInput) as bad:
        normalise_scan("11010519491231002Y")
    assert bad.value.code.startswith("id_")
    with pytest.raises(InvalidInput):
        normalise_scan(" ")
    with pytest.raises(InvalidInput):
        normalise_scan("hello")


def _wire(remaining: float | None = 90.0, paused: bool = False) -> SelectionState:
    unit = {
        "project_code": "P-Q-01",
        "unit_type_code": "UT-Q-1",
        "unit_type_name": "一居室",
        "area": 40.0,
        "rent": 1500.0,
        "taken_by_order": None,
    }
    units: list[Any] = [
        unit | {"unit_code": "A-0301", "building": "A", "floor": 3, "number": "0301", "orientation": "南", "taken": False},
        unit | {"unit_code": "A-0302", "building": "A", "floor": 3, "number": "0302", "orientation": "北", "taken": True, "taken_by_order": 1},
        unit | {"unit_code": "B-0501", "building": "B", "floor": 5, "number": "0501", "orientation": "南", "taken": False},
    ]  # fmt: skip
    turn: Any = {
        "reg_no": REG_NO,
        "filing_no": "BA2024000001",
        "masked_name": "张*明",
        "pool": "P-Q-01/UT-Q-1",
        "rank": 5,
        "order": 2,
        "round_no": 1,
        "queue_pos": 2000,
        "state": "open",
        "late": False,
        "counter": "03",
        "called_at": "2026-11-24T01:58:00+00:00",
        "opened_at": "2026-11-24T02:00:00+00:00",
        "deadline": "2026-11-24T02:02:00+00:00",
        "paused": paused,
        "remaining_seconds": remaining,
        "redeclared_at": "2026-11-24T01:59:00+00:00",
        "redeclared_by": "clerk1",
        "wishes": [{"unit_code": "A-0302", "taken": True}, {"unit_code": "A-0301", "taken": False}],
        "unit_code": None,
        "finished_at": None,
        "reason": None,
        "supplementary": False,
    }
    return {
        "plan": {
            "plan_code": "Q2611",
            "plan_name": "快速配租测试计划",
            "draw_id": 7,
            "turn_seconds": 120,
            "round_size": 20,
            "supplementary_deadline": None,
        },
        "server_time": "2026-11-24T02:00:30+00:00",
        "version": 41,
        "rounds": [
            {
                "round_no": 1,
                "starts_at": "2026-11-24T01:30:00+00:00",
                "ends_at": "2026-11-24T02:30:00+00:00",
                "supplementary": False,
                "state": "running",
            }
        ],
        "turns": [turn],
        "units": units,
        "counts": {"UT-Q-1": {"free": 2, "taken": 1}},
    }


def test_the_countdown_is_the_centres_less_the_time_passed_here_whatever_this_clock_says() -> None:
    wrong_clock = NOW + timedelta(days=3, minutes=7)  # far from the centre's 02:00:30 UTC
    view = selection_view(_wire(), wrong_clock)
    turn = view.turns[0]
    assert view.remaining(turn, wrong_clock) == 90
    assert view.remaining(turn, wrong_clock + timedelta(seconds=30)) == 60
    assert view.remaining(turn, wrong_clock + timedelta(minutes=5)) == 0
    paused = selection_view(_wire(paused=True), wrong_clock)
    assert paused.remaining(paused.turns[0], wrong_clock + timedelta(minutes=5)) == 90
    assert paused.turns[0].core_turn().paused


def test_the_state_reads_into_views_with_filters_and_the_call_text(built: Built) -> None:
    view = selection_view(_wire(), NOW)
    turn = view.turn(REG_NO)
    assert turn is not None and view.at_counter("03") == turn and view.at_counter("04") is None
    assert turn.wish_codes == ("A-0302", "A-0301") and turn.wishes[0].taken and turn.state_label == "正在选房"
    assert view.taken() == {"A-0302"}
    assert [u.unit_code for u in view.free_units("P-Q-01/UT-Q-1")] == ["A-0301", "B-0501"]
    assert [u.unit_code for u in view.free_units("P-Q-01/UT-Q-1", building="B")] == ["B-0501"]
    assert [u.unit_code for u in view.free_units("P-Q-01/UT-Q-1", orientation="南", floor=3)] == ["A-0301"]
    assert view.free_units("P-Q-01/UT-Q-2") == []
    assert built.services.selection.call_text(turn) == "请 0005 号 张*明 家庭到 3 号窗口选房"


def test_with_the_centre_away_the_counter_is_told_and_nothing_is_done(
    built: Built, away: Built, secrets: MemorySecrets
) -> None:
    with pytest.raises(SelectionOffline, match="未配置中心"):
        built.services.selection.call_next("Q2611")  # no centre configured
    with pytest.raises(SelectionOffline, match="尚未取得中心授权"):
        away.services.selection.call_next("Q2611")
    secrets.set(DEVICE_TOKEN, "device-token")
    service = away.services.selection
    reading = service.state("Q2611")
    assert not reading.online and reading.view is None and "连接不上中心" in reading.message
    with pytest.raises(SelectionOffline) as offline:
        service.call_next("Q2611")
    assert offline.value.code == "selection_offline" and "未办理" in offline.value.message
    with pytest.raises(SelectionOffline):
        service.sheet("Q2611", REG_NO)
    with pytest.raises(SelectionOffline):
        service.identify("Q2611", "BA2024000001")
    outcome = service.confirm("Q2611", REG_NO, "A-0301", CLERK)
    assert outcome.status == "unknown" and outcome.turn is None and not outcome.chosen
    assert "请勿告知家庭" in outcome.message and outcome.key
