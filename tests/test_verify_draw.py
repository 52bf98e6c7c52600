"""The one-file verifier (tools/verify_draw.py) replays what the service draws, under a bare ``python -I -S``."""

from __future__ import annotations

import importlib.util
import random
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kiosk_core import draw_order
from kiosk_core import lottery as L
from tests.test_lottery import doc_vectors

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "verify_draw.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_draw", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vd = _load()


def random_draw(rng: random.Random) -> tuple[str, str, str, list[str]]:
    """A random list, pools and sources (files) and cancelled reg_nos the service accepts."""
    mode = "selection" if rng.random() < 0.2 else "units"
    groups = ["-", "-", "elderly", "disabled", "hardship", "vet_2"]
    pools = []
    for p in range(rng.randint(1, 3)):
        units = () if mode == "selection" else tuple(f"{p}-{u:03d}" for u in range(rng.randint(0, 12)))
        room = len(units) if mode == "units" else 20
        quotas = []
        for g in rng.sample(groups[2:], rng.randint(0, 3)):
            k = rng.randint(0, max(0, room - sum(q for _, q in quotas)))
            quotas.append((g, k))
        pools.append(L.Pool(f"P{p:02d}/T0{rng.randint(1, 3)}", units, tuple(quotas)))
    n = rng.randint(len(pools), 60)
    codes = [p.code for p in pools]
    entries = [
        L.Entry(f"R{rng.randrange(10**6):06d}-{i}", codes[i % len(codes)], rng.choice(groups))
        for i in range(n)
    ]
    cancelled = [e.reg_no for e in entries if rng.random() < 0.1]
    sources = [L.digits_source("现场", "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 45))))]
    if rng.random() < 0.5:
        sources.append(L.public_source("双色球 第2026140期", f"{rng.randrange(10**14):014d}", 40))
    return L.list_text(entries), L.pools_text(mode, pools), L.sources_text(sources), cancelled


def service(
    list_text: str, pools_text: str, sources_text: str, cancelled: list[str]
) -> tuple[str, str, str, str]:
    mode, pools = L.parse_pools(pools_text)
    result = L.draw(L.parse_list(list_text), mode, pools, L.parse_sources(sources_text), set(cancelled))
    return L.sha256_hex(list_text), L.sha256_hex(pools_text), result.seed.hex(), L.result_text(result)


def run(tmp_path: Path, files: tuple[str, str, str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """The verifier as a stranger runs it: its own file, isolated, without site-packages."""
    paths = []
    for name, text in zip(("list.txt", "pools.txt", "sources.txt", "result.txt"), files, strict=True):
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(str(path))
    return subprocess.run(
        [sys.executable, "-I", "-S", str(TOOL), *paths, *extra],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=tmp_path,
    )


def test_the_verifier_is_one_file_kept_once_as_package_data() -> None:
    assert TOOL.is_symlink()
    assert TOOL.resolve() == L.verifier_path().resolve()
    assert TOOL.read_text("utf-8") == L.verifier_source()


def test_the_verifier_needs_nothing_outside_the_standard_library() -> None:
    probe = "import sys; print(any('site-packages' in p for p in sys.path))"
    assert (
        subprocess.run([sys.executable, "-I", "-S", "-c", probe], capture_output=True, text=True).stdout
        == "False\n"
    )
    imports = {
        line.split()[1].split(".")[0]
        for line in TOOL.read_text("utf-8").splitlines()
        if line.startswith("import ")
    }
    assert imports <= set(sys.stdlib_module_names), imports
    assert not any(line.startswith("from ") for line in TOOL.read_text("utf-8").splitlines())


@pytest.mark.parametrize("name", sorted(doc_vectors()))
def test_the_verifier_gives_each_known_answer(name: str, tmp_path: Path) -> None:
    v = doc_vectors()[name]
    cancelled = v["cancelled"].split()
    list_hash, _, seed, result = vd.replay(v["list.txt"], v["pools.txt"], v["sources.txt"], cancelled)
    assert result == v["result.txt"]
    assert f"list_hash {list_hash}\nseed {seed}\n" == v["hashes"]
    files = (v["list.txt"], v["pools.txt"], v["sources.txt"], v["result.txt"])
    done = run(tmp_path, files, "--cancelled", ",".join(cancelled), "--list-hash", list_hash)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "MATCH"
    assert f"seed         {seed}" in done.stdout and f"list_hash    {list_hash}" in done.stdout


def test_the_verifier_matches_the_service_on_1000_random_lists(tmp_path: Path) -> None:
    rng = random.Random(20261202)
    draws = [random_draw(rng) for _ in range(1000)]
    for files in draws:
        assert vd.replay(*files) == service(*files), files
    # The real thing, a separate isolated interpreter on the files, for a sample of them.
    for i, (list_text, pools_text, sources_text, cancelled) in enumerate(draws[:30]):
        result = service(list_text, pools_text, sources_text, cancelled)[3]
        folder = tmp_path / str(i)
        folder.mkdir()
        done = run(folder, (list_text, pools_text, sources_text, result), "--cancelled", ",".join(cancelled))
        assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "MATCH"), done.stdout + done.stderr


def test_a_different_result_is_shown_at_its_first_difference(tmp_path: Path) -> None:
    list_text, pools_text, sources_text, _ = random_draw(random.Random(7))
    result = service(list_text, pools_text, sources_text, [])[3]
    lines = result.splitlines(keepends=True)
    # Two registrations swap places from rank 3 on.
    a, b = lines[2].split("\t"), lines[3].split("\t")
    forged = (
        lines[:2] + ["\t".join([a[0], b[1], b[2], a[3]]), "\t".join([b[0], a[1], a[2], b[3]])] + lines[4:]
    )
    done = run(tmp_path, (list_text, pools_text, sources_text, "".join(forged)))
    assert done.returncode == 1
    out = done.stdout.splitlines()
    assert "DIFFERENCE at rank 3 / 第 3 位不同" in out
    assert f"expected     {lines[2].rstrip()}" in out
    assert f"found        {forged[2].rstrip()}" in out


def test_a_tampered_list_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    v = doc_vectors()["v2"]
    files = (v["list.txt"], v["pools.txt"], v["sources.txt"], v["result.txt"])
    published = vd.replay(*files[:3])[0]
    # A household moved into a priority group after the freeze: the hash gives it away.
    moved = v["list.txt"].replace("00001-W\tP01/T01\t-", "00001-W\tP01/T01\telderly")
    done = run(tmp_path, (moved, *files[1:]), "--list-hash", published)
    assert done.returncode == 1
    assert "LIST TAMPERED" in done.stdout and "名单文件的哈希与公布的不符" in done.stdout
    # Without the published hash the replay differs, and says the list may be the cause.
    done = run(tmp_path, (moved, *files[1:]))
    assert done.returncode == 1 and "DIFFERENCE at rank" in done.stdout and "名单文件已被改动" in done.stdout
    # Lines re-sorted, or re-saved with CRLF: not the canonical file, refused at the line at fault.
    lines = v["list.txt"].splitlines(keepends=True)
    for wrong, said in (
        ("".join([lines[1], lines[0], *lines[2:]]), "list line 2"),
        (v["list.txt"].replace("\n", "\r\n"), "CRLF"),
        (v["list.txt"].replace("\tP01/T01\t-\n", "\tP01/T01\n", 1), "list line 1"),
        # A field moved from line 2 to line 1: as many fields in all, in the wrong lines.
        (
            v["list.txt"].replace(
                "-\nQ2611-01-00002-U\tP01/T01\telderly\n", "-\tQ2611-01-00002-U\nP01/T01\telderly\n"
            ),
            "list line 1",
        ),
    ):
        done = run(tmp_path, (wrong, *files[1:]))
        assert done.returncode == 1 and "BAD FILE" in done.stdout and said in done.stdout, done.stdout


def test_a_result_naming_a_stranger_says_the_files_were_altered(tmp_path: Path) -> None:
    v = doc_vectors()["v1"]
    forged = v["result.txt"].replace("Q2611-01-00003-R", "Q2611-01-00099-X")
    done = run(tmp_path, (v["list.txt"], v["pools.txt"], v["sources.txt"], forged))
    assert done.returncode == 1 and "Q2611-01-00099-X, which is not on this list file" in done.stdout


def test_a_result_with_skips_asks_for_the_cancelled_list(tmp_path: Path) -> None:
    v = doc_vectors()["v3"]
    done = run(tmp_path, (v["list.txt"], v["pools.txt"], v["sources.txt"], v["result.txt"]))
    assert (
        done.returncode == 1 and "pass --cancelled" in done.stdout and v["cancelled"].strip() in done.stdout
    )


def test_the_verifier_discards_a_word_above_the_limit_as_the_service_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    top = (1 << 64) - 1
    stream = [top, 4, top, top, 2] + list(range(7, 200))

    def words(seed: bytes, count: int) -> list[int]:
        return stream[: 4 * ((count + 3) // 4)]

    class Fixed(draw_order.Stream):
        def extend(self, count: int) -> None:
            have = len(self.data) // 8
            more = stream[have : have + 4 * ((count + 3) // 4)]
            self.data += struct.pack(f">{len(more)}Q", *more)

    monkeypatch.setattr(vd, "words", words)
    for n in (3, 5, 9):
        assert vd.shuffle(n, b"") == draw_order.fisher_yates(n, Fixed(b"")).tolist()
    # n = 3: for m = 3 the limit is 2^64 - 1, so top is discarded and 4 % 3 = 1 swaps a[2] and a[1]; for
    # m = 2 it is 2^64, so top is kept: top % 2 = 1 leaves a[1] where it is.
    assert vd.shuffle(3, b"") == [0, 2, 1]
