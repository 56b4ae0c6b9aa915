"""Write files safely and reproducibly: temp file + rename, zips with fixed member dates."""

from __future__ import annotations

import os
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

FIGURES_DIR = "figures"  # where the figure PNGs go, relative to the outputs (the .md and .html link them)


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; rename it onto `dest` only if the block succeeds.

    On any exception (including KeyboardInterrupt) the temporary file is removed and `dest`
    is left exactly as it was.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(dest: Path, data: bytes) -> None:
    """Write `data` to `dest` atomically."""
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def zip_date(epoch: int) -> tuple[int, int, int, int, int, int]:
    """Return a zip member date for `epoch` (UTC), clamped to the zip format's 1980 floor."""
    t = time.gmtime(max(epoch, 315532800))
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec & ~1)


def write_zip(dest: Path, members: Iterable[tuple[str, bytes, bool]], epoch: int,
              previous: Path | None = None) -> None:
    """Write a zip of (name, data, deflate?) members in the given order, every date set to `epoch`.

    Same members, same bytes: no clock, no host, fixed permissions, and exactly the bytes `zipfile`
    writes (tests/test_files.py). Already-compressed data (PNG, JPEG, media) should be stored
    (deflate=False): compressing it again only costs time. With `previous` (the last build of the same
    output), a member whose name, method, CRC and size are unchanged is copied from it still
    compressed (after checking it inflates to the same data): deflating is deterministic, so the bytes
    are those a cold build writes.
    """
    date = zip_date(epoch)
    dostime = date[3] << 11 | date[4] << 5 | date[5] // 2
    dosdate = (date[0] - 1980) << 9 | date[1] << 5 | date[2]
    with atomic_path(dest) as tmp, tmp.open("wb") as out, _RawMembers(previous) as old:
        central: list[bytes] = []
        offset = 0
        for name, data, deflate in members:
            method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            crc, size = zlib.crc32(data), len(data)
            # A stored member is its data: copying it from the last build would save nothing, checking it costs a read.
            packed = old.get(name, method, crc, data) if deflate else data
            if packed is None:
                packed = _deflate(data) if deflate else data
            if len(central) >= 0xFFFF or offset + len(packed) + 100 > 0xFFFFFFFF:
                raise ValueError(f"{dest.name}: too large for a zip without zip64")
            encoded = name.encode("ascii")  # member names are ASCII (no UTF-8 flag, as zipfile writes them)
            fields = (20, 0, 0, method, dostime, dosdate, crc, len(packed), size, len(encoded))
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *fields, 0) + encoded)
            out.write(packed)
            central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, *fields, 0, 0, 0, 0,
                                       0o644 << 16, offset) + encoded)
            offset += 30 + len(encoded) + len(packed)
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                              offset, 0))


def _deflate(data: bytes) -> bytes:
    """Return `data` deflated as zipfile does it (level 6, raw stream)."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class _RawMembers:
    """The members of an earlier zip, read still compressed; a missing or unreadable file has none."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.file: BinaryIO | None = None
        self.index: dict[str, zipfile.ZipInfo] = {}

    def __enter__(self) -> _RawMembers:
        if self.path is not None and self.path.is_file():
            try:
                self.file = self.path.open("rb")
                self.index = {i.filename: i for i in zipfile.ZipFile(self.file).infolist()}
            except (OSError, zipfile.BadZipFile):
                self.index = {}
        return self

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()

    def get(self, name: str, method: int, crc: int, data: bytes) -> bytes | None:
        """Return the compressed bytes of member `name` if it holds exactly `data`, stored the same way.

        CRC and size pick the candidates; inflating (several times cheaper than deflating) proves them."""
        info = self.index.get(name)
        if info is None or self.file is None or (info.compress_type, info.CRC, info.file_size) != \
                (method, crc, len(data)):
            return None
        try:
            self.file.seek(info.header_offset)
            header = self.file.read(30)
            if header[:4] != b"PK\x03\x04":
                return None
            skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
            self.file.seek(skip, 1)
            packed = self.file.read(info.compress_size)
        except OSError:
            return None
        if len(packed) != info.compress_size:
            return None
        try:
            same = (zlib.decompress(packed, -15) if method == zipfile.ZIP_DEFLATED else packed) == data
        except zlib.error:
            return None
        return packed if same else None
