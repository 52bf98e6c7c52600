"""The lottery's checks at the counter: the sources as two people typed them agree, and the centre's record of a
draw agrees with the result recomputed here from its published list, pools, sources and cancellations."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.services.draw_views import DrawRecordMismatch, DrawView, SourcesDiffer, SourceValue
from kiosk_core import lottery
from kiosk_core.errors import InvalidInput, KioskError
from kiosk_core.lottery import DrawResult


def check_twice(first: Sequence[SourceValue], second: Sequence[SourceValue]) -> tuple[SourceValue, ...]:
    """The sources as two people entered them, normalised; raises SourcesDiffer naming every label that differs.

    Digits are compared as the draw will read them (full-width digits, spaces and commas do not count as a
    difference); a value that is not digits at all is refused (InvalidInput) whoever typed it.
    """
    if [v.label for v in first] != [v.label for v in second]:
        raise InvalidInput(
            "两次录入的随机源项目不一致", hint="请按冻结时登记的随机源逐项录入", code="sources_labels"
        )
    values, differ = [], []
    for a, b in zip(first, second, strict=True):
        one, other = lottery.normalise_digits(a.value), lottery.normalise_digits(b.value)
        if one != other:
            differ.append(a.label)
        values.append(SourceValue(a.label, one))
    if differ:
        raise SourcesDiffer(tuple(differ))
    return tuple(values)


def local_result(draw: DrawView) -> DrawResult:
    """The draw recomputed here from its published list, pools, sources and cancellations."""
    if draw.sources_text is None:
        raise KioskError("随机源尚未录入，还不能计算结果", code="draw_no_sources")
    listed = lottery.read_list(draw.list_text)
    mode, pools = lottery.parse_pools(draw.pools_text)
    sources = lottery.parse_sources(draw.sources_text)
    return lottery.draw_list(listed, mode, pools, sources, frozenset(draw.cancelled))


class DrawCheck:
    """``check`` a draw's record against ``local_result``, keeping the last result for the next check."""

    def __init__(self) -> None:
        self._last_result: tuple[object, DrawResult] | None = None

    def check(self, draw: DrawView) -> DrawResult:
        """``local_result``, after checking the centre's hashes, seed and result agree with it (DrawMismatch)."""
        if lottery.sha256_hex(draw.list_text) != draw.list_hash:
            raise DrawRecordMismatch("冻结名单的哈希", draw.list_hash, lottery.sha256_hex(draw.list_text))
        if lottery.sha256_hex(draw.pools_text) != draw.pools_hash:
            raise DrawRecordMismatch(
                "房源与配额表的哈希", draw.pools_hash, lottery.sha256_hex(draw.pools_text)
            )
        mode, _ = lottery.parse_pools(draw.pools_text)
        if mode != draw.mode:
            raise DrawRecordMismatch("摇号方式", mode, draw.mode)
        # The console checks a draw, then lists its rows (public_rows checks again): computed once for both.
        key = (draw.list_hash, draw.pools_hash, draw.sources_text, draw.cancelled)
        last = self._last_result
        result = last[1] if last is not None and last[0] == key else local_result(draw)
        self._last_result = (key, result)
        if draw.seed is not None and draw.seed != result.seed.hex():
            raise DrawRecordMismatch("种子", result.seed.hex(), draw.seed)
        if draw.result_text is not None:
            lottery.check_same(lottery.result_text(result), draw.result_text)
            if draw.result_hash is not None and lottery.sha256_hex(draw.result_text) != draw.result_hash:
                raise DrawRecordMismatch("结果哈希", lottery.sha256_hex(draw.result_text), draw.result_hash)
        return result
