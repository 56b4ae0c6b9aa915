"""dlexport/files.py: zips written byte for byte as zipfile writes them, and members reused from the last build."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest

from dlexport.files import write_zip, zip_date

EPOCH = 1_700_000_000


def reference(dest: Path, members: list[tuple[str, bytes, bool]], epoch: int) -> bytes:
    """Write the members with the standard library's zipfile, as dlexport did before it had its own writer."""
    with zipfile.ZipFile(dest, "w") as z:
        for name, data, deflate in members:
            info = zipfile.ZipInfo(name, date_time=zip_date(epoch))
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, data, compresslevel=6)
    return dest.read_bytes()


def sample(seed: int = 0, n: int = 40) -> list[tuple[str, bytes, bool]]:
    r = random.Random(seed)
    members = [(f"ppt/slides/slide{i}.xml", f"<p:sld n='{i}'>{'가나다 ' * r.randint(0, 300)}</p:sld>".encode(),
                i % 4 != 0) for i in range(n)]
    return [*members, ("empty.xml", b"", True), ("stored", b"", False), ("media/1", r.randbytes(3000), False)]


def test_the_zip_is_byte_for_byte_what_zipfile_writes(tmp_path: Path) -> None:
    members = sample()
    write_zip(tmp_path / "ours.zip", members, EPOCH)
    assert (tmp_path / "ours.zip").read_bytes() == reference(tmp_path / "ref.zip", members, EPOCH)
    with zipfile.ZipFile(tmp_path / "ours.zip") as z:
        assert z.testzip() is None
        assert [(i.filename, z.read(i)) for i in z.infolist()] == [(n, d) for n, d, _ in members]


@pytest.mark.parametrize("change", ["edit", "insert", "delete", "reorder", "store", "epoch"])
def test_reusing_the_last_build_gives_the_bytes_of_a_cold_one(tmp_path: Path, change: str) -> None:
    old = sample()
    new = list(old)
    epoch = EPOCH
    if change == "edit":
        new[5] = (new[5][0], new[5][1] + b"<edit/>", True)
    elif change == "insert":
        new.insert(3, ("ppt/slides/new.xml", b"<new/>" * 50, True))
    elif change == "delete":
        del new[7]
    elif change == "reorder":
        new.reverse()
    elif change == "store":
        new[5] = (new[5][0], new[5][1], False)  # same data, stored instead of deflated
    else:
        epoch += 86400
    write_zip(tmp_path / "last.zip", old, EPOCH)
    write_zip(tmp_path / "warm.zip", new, epoch, previous=tmp_path / "last.zip")
    write_zip(tmp_path / "cold.zip", new, epoch)
    assert (tmp_path / "warm.zip").read_bytes() == (tmp_path / "cold.zip").read_bytes()


def _with_level(path: Path, members: list[tuple[str, bytes, bool]], level: int) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data, deflate in members:
            info = zipfile.ZipInfo(name, date_time=zip_date(EPOCH))
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            z.writestr(info, data, compresslevel=level)


def test_unchanged_members_are_copied_still_compressed(tmp_path: Path) -> None:
    """The previous zip deflated at level 1 (other bytes, same data): its bytes appear in the new zip, so they
    were copied, not compressed again; a changed member is compressed afresh."""
    members = [("a.xml", b"<a>" + b"abcabcabd" * 400 + b"</a>", True), ("b.xml", b"<b>" + b"xyz" * 900, True)]
    _with_level(tmp_path / "last.zip", members, 1)
    fast = zlib.compressobj(1, zlib.DEFLATED, -15)
    copied = fast.compress(members[0][1]) + fast.flush()
    assert copied != zlib.compress(members[0][1], 6)[2:-4]
    new = [members[0], ("b.xml", members[1][1] + b"!", True)]
    write_zip(tmp_path / "warm.zip", new, EPOCH, previous=tmp_path / "last.zip")
    data = (tmp_path / "warm.zip").read_bytes()
    assert copied in data
    with zipfile.ZipFile(tmp_path / "warm.zip") as z:
        assert z.read("a.xml") == members[0][1] and z.read("b.xml") == new[1][1]


def test_a_damaged_or_missing_previous_build_is_ignored(tmp_path: Path) -> None:
    members = sample(1)
    cold = tmp_path / "cold.zip"
    write_zip(cold, members, EPOCH)
    damaged = tmp_path / "damaged.zip"
    blob = bytearray(cold.read_bytes())
    blob[200:260] = b"\0" * 60  # inside the first members' data: CRCs still match, contents do not
    damaged.write_bytes(bytes(blob))
    for previous in (damaged, tmp_path / "missing.zip", tmp_path):
        write_zip(tmp_path / "warm.zip", members, EPOCH, previous=previous)
        assert (tmp_path / "warm.zip").read_bytes() == cold.read_bytes()
