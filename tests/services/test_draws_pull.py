"""The sync round's pull of published draws, page by page: each draw's record (its whole list) is fetched once,
again only when the feed withdraws it, and the version moves with the rows."""

from __future__ import annotations

from typing import Any

from kiosk.bootstrap import Built
from kiosk.services.central_client import CentralClient, ChangePage
from kiosk.services.central_session import CentralSession
from kiosk.services.secrets import DEVICE_TOKEN
from kiosk.services.sync import DRAWS_VERSION, SyncService
from kiosk.storage import tables as t
from tests.builders import World
from tests.fakes import MovableClock
from tests.services.test_draws import MemorySecrets, record


class FeedCentre(CentralClient):
    """The centre's outcomes feed in pages of ``size`` rows, and its draw records; counts what is asked."""

    def __init__(self, rows: list[dict[str, Any]], records: dict[int, dict[str, Any]], size: int) -> None:
        super().__init__("http://centre.invalid")
        self.rows, self.records, self.size = rows, records, size
        self.record_fetches: list[int] = []

    def draw_outcomes(self, since: int, limit: int = 5000) -> ChangePage | None:
        page = self.rows[since : since + self.size]
        return ChangePage(since + len(page), since + len(page) < len(self.rows), page)

    def draw_call(self, method: str, path: str, **_: Any) -> Any:
        draw_id = int(path.rsplit("/", 1)[1])
        self.record_fetches.append(draw_id)
        return self.records[draw_id]


def rows_of(rec: dict[str, Any], *, withdrawn: bool = False) -> list[dict[str, Any]]:
    pools = {line.split("\t")[0]: line.split("\t")[1] for line in rec["list_text"].splitlines()}
    return [
        {
            "draw_id": rec["draw_id"],
            "plan_code": rec["plan_code"],
            "reg_no": line.split("\t")[1],
            "rank": int(line.split("\t")[0]),
            "pool": pools[line.split("\t")[1]],
            "kind": "withdrawn" if withdrawn else line.split("\t")[3].split(":")[0],
            "unit_code": None,
            "number": None,
            "filing_no": None,
        }
        for line in rec["result_text"].splitlines()
    ]


def test_a_draws_record_is_fetched_once_however_many_pages_and_again_when_withdrawn(
    built: Built, world: World, clock: MovableClock
) -> None:
    published = record()
    centre = FeedCentre(rows_of(published), {7: published}, size=3)
    secrets = MemorySecrets()
    secrets.set(DEVICE_TOKEN, "device-token")
    sync = SyncService(built.uow, clock, CentralSession(centre, secrets), secrets)

    assert sync.pull_draws() == 8
    assert centre.record_fetches == [7]  # three pages, one record
    with built.uow() as uow:
        assert uow.session.get_one(t.Draw, 7).state == "published"
        assert len(uow.session.query(t.DrawOutcome).all()) == 8
        assert uow.session.get_one(t.Setting, DRAWS_VERSION).value == "8"
    assert sync.pull_draws() == 0 and centre.record_fetches == [7]

    retracted = published | {"state": "retracted", "retract_reason": "公证员发现摇号球缺号"}
    retracted["retracted_at"] = "2026-12-08T11:00:00+08:00"
    centre.records[7] = retracted
    centre.rows += rows_of(published, withdrawn=True)
    assert sync.pull_draws() == 8
    assert centre.record_fetches == [7, 7]  # the withdrawal: fetched again, once
    with built.uow() as uow:
        draw = uow.session.get_one(t.Draw, 7)
        assert draw.state == "retracted" and draw.retracted_at is not None
        kinds = {o.kind for o in uow.session.query(t.DrawOutcome)}
        assert (
            "withdrawn" not in kinds
        )  # what each household drew stays readable, marked withdrawn by its draw
    [view] = built.services.draws.lookup(published["result_text"].split("\t")[1])
    assert view.retracted and view.retract_reason == "公证员发现摇号球缺号"
