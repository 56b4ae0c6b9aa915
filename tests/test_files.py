"""dlexport/files.py: zips written byte for byte as zipfile writes them, and members reused from the last build."""

from __future__ import annotations

import os
import random
import zipfile
import zlib
from pathlib import Path

import pytest

from dlexport import files
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


def changed(members: list[tuple[str, bytes, bool]], change: str) -> list[tuple[str, bytes, bool]]:
    """Return `members` after one kind of change between two builds ("epoch": none, only the date moves)."""
    new = list(members)
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
    return new


@pytest.mark.parametrize("change", ["edit", "insert", "delete", "reorder", "store", "epoch"])
def test_reusing_the_last_build_gives_the_bytes_of_a_cold_one(tmp_path: Path, change: str) -> None:
    old = sample()
    new, epoch = changed(old, change), EPOCH + (86400 if change == "epoch" else 0)
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


def _aged(path: Path, data: bytes) -> Path:
    """Write `data` at `path` and date it a minute back: older than the racy window, so its CRC is remembered."""
    path.write_bytes(data)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
    return path


def _no_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> bytes:
        raise AssertionError("a member was inflated")
    monkeypatch.setattr(files.zlib, "decompress", refuse)


def test_a_file_member_is_the_files_bytes_and_a_changed_file_is_read_again(tmp_path: Path) -> None:
    memory = tmp_path / "memory.marshal"
    picture = _aged(tmp_path / "p.png", random.Random(2).randbytes(5000))
    as_bytes = [("a.xml", b"<a/>" * 100, True), ("media/p.png", picture.read_bytes(), False)]
    write_zip(tmp_path / "bytes.zip", as_bytes, EPOCH)
    for _ in range(2):  # the second time its CRC comes from the memory
        write_zip(tmp_path / "file.zip", [as_bytes[0], ("media/p.png", picture, False)], EPOCH, memory=memory)
        assert (tmp_path / "file.zip").read_bytes() == (tmp_path / "bytes.zip").read_bytes()
    _aged(picture, bytes(5000))  # same size, new content (and stamp): its CRC is computed again
    write_zip(tmp_path / "file.zip", [as_bytes[0], ("media/p.png", picture, False)], EPOCH, memory=memory)
    with zipfile.ZipFile(tmp_path / "file.zip") as z:
        assert z.testzip() is None and z.read("media/p.png") == bytes(5000)


@pytest.mark.parametrize("change", ["edit", "insert", "delete", "reorder", "epoch"])
def test_the_zip_this_writer_made_is_reused_unread(tmp_path: Path, change: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With a memory, the previous zip (unchanged since it was written) is copied from, never inflated, and the
    result is the cold build's bytes."""
    old, memory = sample(4), tmp_path / "memory.marshal"
    new, epoch = changed(old, change), EPOCH + (86400 if change == "epoch" else 0)
    write_zip(tmp_path / "last.zip", old, EPOCH, memory=memory)
    write_zip(tmp_path / "cold.zip", new, epoch)
    _no_inflating(monkeypatch)
    write_zip(tmp_path / "warm.zip", new, epoch, previous=tmp_path / "last.zip", memory=memory)
    assert (tmp_path / "warm.zip").read_bytes() == (tmp_path / "cold.zip").read_bytes()


def test_a_previous_zip_changed_since_it_was_written_is_proven_again(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Damage written into the previous zip changes its stamp: it is no longer trusted, its members are inflated
    and the damaged one is compressed afresh."""
    members, memory = sample(5), tmp_path / "memory.marshal"
    write_zip(tmp_path / "cold.zip", members, EPOCH)
    write_zip(tmp_path / "last.zip", members, EPOCH, memory=memory)
    with zipfile.ZipFile(tmp_path / "last.zip") as z:
        info = max(z.infolist(), key=lambda i: i.compress_size if i.compress_type == zipfile.ZIP_DEFLATED else 0)
    with (tmp_path / "last.zip").open("r+b") as f:  # inside a deflated member's data: its CRC no longer holds
        f.seek(info.header_offset + 30 + len(info.filename) + info.compress_size // 2)
        f.write(b"\xff" * 4)
    write_zip(tmp_path / "warm.zip", members, EPOCH, previous=tmp_path / "last.zip", memory=memory)
    assert (tmp_path / "warm.zip").read_bytes() == (tmp_path / "cold.zip").read_bytes()
    # The members it proved (all but the damaged ones) are known unread next time, should that zip stay published.
    _no_inflating(monkeypatch)
    write_zip(tmp_path / "again.zip", members, EPOCH, previous=tmp_path / "last.zip", memory=memory)
    assert (tmp_path / "again.zip").read_bytes() == (tmp_path / "cold.zip").read_bytes()
