"""The typed deferred container: built once whoever asks first, a part of it with it, a damaged cache judged once."""

from __future__ import annotations

import threading

import pytest

from kiosk.services.deferred import Deferred
from kiosk_core.errors import CacheUnusable

WAIT = 30  # seconds: a bound for a hung build, never a speed floor


class Root:
    def __init__(self, n: int) -> None:
        self.n = n
        self.part = f"part of {n}"


def test_two_threads_asking_at_once_get_one_build() -> None:
    builds: list[int] = []
    inside = threading.Event()
    go_on = threading.Event()

    def build() -> Root:
        builds.append(1)
        inside.set()
        assert go_on.wait(WAIT)
        return Root(len(builds))

    root: Deferred[Root] = Deferred(build)
    got: list[Root] = []
    first = threading.Thread(target=lambda: got.append(root.get()))
    first.start()
    assert inside.wait(WAIT)
    second = threading.Thread(target=lambda: got.append(root.get()))
    second.start()
    go_on.set()
    first.join(WAIT)
    second.join(WAIT)
    assert builds == [1] and len(got) == 2 and got[0] is got[1]


def test_a_part_is_built_by_the_same_build_whichever_is_asked_first() -> None:
    builds: list[int] = []

    def build() -> Root:
        builds.append(1)
        return Root(len(builds))

    root: Deferred[Root] = Deferred(build)
    part = root.map(lambda r: r.part)
    told: list[str] = []
    part.when_built(told.append)
    assert part.built is None and root.built is None
    assert part.get() == "part of 1"  # building the part builds the root, on this thread, once
    assert root.get().n == 1 and builds == [1] and told == ["part of 1"]


def test_a_part_is_offered_its_value_when_the_root_is_built_on_another_thread() -> None:
    root: Deferred[Root] = Deferred(lambda: Root(7))
    part = root.map(lambda r: r.part)
    told = threading.Event()
    part.when_built(lambda _v: told.set())
    worker = threading.Thread(target=root.get)
    worker.start()
    worker.join(WAIT)
    assert told.is_set() and part.built == "part of 7"


def test_an_unusable_cache_is_judged_once_and_told_to_every_later_caller() -> None:
    attempts: list[int] = []

    def build() -> Root:
        attempts.append(1)
        raise CacheUnusable("本机缓存已损坏", code="cache_empty", details=(), steps=())

    root: Deferred[Root] = Deferred(build, final=(CacheUnusable,))
    part = root.map(lambda r: r.part)
    for ask in (root.get, root.get, part.get):
        with pytest.raises(CacheUnusable):
            ask()
    assert attempts == [1]


def test_any_other_failure_is_tried_again() -> None:
    attempts: list[int] = []

    def build() -> Root:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk busy")
        return Root(2)

    root: Deferred[Root] = Deferred(build, final=(CacheUnusable,))
    with pytest.raises(OSError):
        root.get()
    assert root.get().n == 2 and attempts == [1, 1]
