"""Write files safely and reproducibly: temp file + rename, zips with fixed member dates."""

from __future__ import annotations

import errno
import functools
import hashlib
import marshal
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
Member = tuple[str, "bytes | Path", bool]  # a zip member: name, data (or a file holding it, stored), deflate?
FileStamp = tuple[int, int, int, int]  # size, mtime (ns), inode, device: what a rename keeps and a rewrite changes
RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick of its clock
_MEMORY = "dlexport zip memory 1"


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


def write_zip(dest: Path, members: Iterable[Member], epoch: int, previous: Path | None = None,
              memory: Path | None = None) -> None:
    """Write a zip of (name, data, deflate?) members in the given order, every date set to `epoch`.

    Same members, same bytes: no clock, no host, fixed permissions, and exactly the bytes `zipfile`
    writes (tests/test_files.py). Already-compressed data (PNG, JPEG, media) should be stored
    (deflate=False): compressing it again only costs time. A member's data may be a file (a `Path`, stored):
    it is copied by the kernel, and its CRC, kept in `memory` by the file's stamp, is computed only when
    the file changed.

    With `previous` (the last build of the same output), a deflated member holding the same data as one
    of it is copied from it still compressed: deflating is deterministic, so the bytes are those a cold
    build writes. When `memory` (a file in the cache folder) says `previous` is the zip it wrote, unchanged
    since (the same size, mtime, inode and device), a member is known by its data's size and BLAKE2 digest
    and copied unread; any other previous zip is read and each candidate inflated to prove it the same.
    """
    date = zip_date(epoch)
    dostime = date[3] << 11 | date[4] << 5 | date[5] // 2
    dosdate = (date[0] - 1980) << 9 | date[1] << 5 | date[2]
    kept = _Memory(memory)
    known = kept.members(previous)
    table: dict[bytes, tuple[int, int, int]] = {}  # digest of a deflated member's data -> offset, packed size, CRC
    proven: dict[bytes, tuple[int, int, int]] = {}  # the same, of the members of an untrusted `previous` inflated
    trusted = previous if known is not None else None
    with atomic_path(dest) as tmp, _Output(tmp) as out, _RawMembers(None if trusted else previous) as old, \
            _open(trusted) as source:
        central: list[bytes] = []
        for name, data, deflate in members:
            method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            encoded = name.encode("ascii")  # member names are ASCII (no UTF-8 flag, as zipfile writes them)
            offset = out.offset
            if isinstance(data, Path):
                crc, size = kept.crc(data)
                packed_size, write = size, functools.partial(out.copy_file, data, size)
            else:
                size = len(data)
                digest = hashlib.blake2b(data, digest_size=16).digest() if deflate and kept.path else b""
                hit = known.get(digest) if digest and known is not None and source is not None else None
                if hit is not None and source is not None:
                    start, packed_size, crc = hit
                    write = functools.partial(out.copy, source, start, packed_size)
                else:
                    crc = zlib.crc32(data)
                    found = old.get(name, method, crc, data) if deflate else None
                    if found is not None and digest:  # proven by inflating: known unread next time
                        proven[digest] = (found[1], len(found[0]), crc)
                    packed = found[0] if found is not None else _deflate(data) if deflate else data
                    packed_size, write = len(packed), functools.partial(out.write, packed)
                if digest:
                    table[digest] = (offset + 30 + len(encoded), packed_size, crc)
            if len(central) >= 0xFFFF or offset + packed_size + 100 > 0xFFFFFFFF:
                raise ValueError(f"{dest.name}: too large for a zip without zip64")
            fields = (20, 0, 0, method, dostime, dosdate, crc, packed_size, size, len(encoded))
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *fields, 0) + encoded)
            write()
            central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, *fields, 0, 0, 0, 0,
                                       0o644 << 16, offset) + encoded)
        directory = b"".join(central)
        end = out.offset
        out.write(directory)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                              end, 0))
    kept.save(dest, table, known if known is not None else proven)


def zip_memory(cache: Path | None, name: str) -> Path | None:
    """Return where `write_zip` keeps what it knows about the output `name` in the cache folder `cache` (None: none)."""
    return cache / f"zip-{name}.marshal" if cache is not None else None


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

    def get(self, name: str, method: int, crc: int, data: bytes) -> tuple[bytes, int] | None:
        """Return the compressed bytes of member `name` and where they start, if it holds exactly `data`, stored the
        same way.

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
            start = self.file.seek(skip, 1)
            packed = self.file.read(info.compress_size)
        except OSError:
            return None
        if len(packed) != info.compress_size:
            return None
        try:
            same = (zlib.decompress(packed, -15) if method == zipfile.ZIP_DEFLATED else packed) == data
        except zlib.error:
            return None
        return (packed, start) if same else None


def _file_stamp(st: os.stat_result) -> FileStamp:
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev


def _copy_range(src: int, dst: int, start: int, count: int) -> int:
    """Copy `count` bytes at `start` of the file `src` to the file `dst` at its position (by the kernel where it
    can); return how many were copied (fewer only when `src` is shorter)."""
    done = 0
    try:
        while done < count:
            n = os.copy_file_range(src, dst, count - done, start + done)
            if n == 0:
                return done
            done += n
        return done
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF):
            raise
    while done < count:  # a file system or kernel without copy_file_range
        chunk = os.pread(src, min(count - done, 1 << 20), start + done)
        if not chunk:
            break
        _write_all(dst, chunk)
        done += len(chunk)
    return done


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _Output:
    """A file being written: bytes gathered and written in large blocks, ranges of other files copied between."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1
        self.chunks: list[bytes] = []
        self.pending = self.offset = 0

    def __enter__(self) -> _Output:
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is None:
                self.flush()
        finally:
            os.close(self.fd)

    def write(self, data: bytes) -> None:
        """Append `data`."""
        self.chunks.append(data)
        self.pending += len(data)
        self.offset += len(data)
        if self.pending >= 1 << 20:
            self.flush()

    def flush(self) -> None:
        """Write what was gathered."""
        if self.chunks:
            _write_all(self.fd, b"".join(self.chunks))
            self.chunks, self.pending = [], 0

    def copy(self, src: int, start: int, count: int) -> None:
        """Append `count` bytes found at `start` in the open file `src`."""
        self.flush()
        if _copy_range(src, self.fd, start, count) != count:
            raise OSError(errno.EIO, "the previous output is shorter than it was", str(self.path))
        self.offset += count

    def copy_file(self, path: Path, size: int) -> None:
        """Append the file at `path`, which must hold `size` bytes."""
        self.flush()
        with open(path, "rb") as f:
            if _copy_range(f.fileno(), self.fd, 0, size) != size or os.fstat(f.fileno()).st_size != size:
                raise OSError(errno.EIO, "a file changed while it was copied into a zip", str(path))
        self.offset += size


@contextmanager
def _open(path: Path | None) -> Iterator[int | None]:
    """Yield a read descriptor of `path` (None: None)."""
    if path is None:
        yield None
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        yield fd
    finally:
        os.close(fd)


class _Memory:
    """What `write_zip` keeps about one output between builds, in a file in the cache folder: the zips it wrote,
    by their stamp, each with where its deflated members' data is (by the data's digest), and the CRC of each
    file it stored, by the file's stamp. A missing or unreadable file keeps nothing: the zip is then written
    as if cold, never wrong."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.since = time.time_ns() - RACY_NS  # files changed after this are not remembered as checksummed now
        self.zips: list[tuple[FileStamp, dict[bytes, tuple[int, int, int]]]] = []
        self.crcs: dict[FileStamp, int] = {}
        self.used: dict[FileStamp, int] = {}
        self.previous: FileStamp | None = None  # the stamp of the previous zip, as `members` found it
        try:
            header, zips, crcs = marshal.loads(path.read_bytes()) if path else ("", [], {})
            if header == _MEMORY and isinstance(zips, list) and isinstance(crcs, dict):
                self.zips, self.crcs = zips, crcs
        except (OSError, ValueError, EOFError, TypeError):
            pass

    def members(self, previous: Path | None) -> dict[bytes, tuple[int, int, int]] | None:
        """Return where the deflated data of `previous` is (by digest: offset, packed size, CRC) when `previous`
        is a zip written here and not changed since; else None."""
        try:
            self.previous = _file_stamp(os.stat(previous)) if previous is not None else None
        except OSError:
            return None
        return next((members for stamp, members in self.zips if stamp == self.previous), None)

    def crc(self, path: Path) -> tuple[int, int]:
        """Return the CRC-32 and size of the file at `path`, read only when its stamp is not remembered."""
        st = os.stat(path)
        stamp = _file_stamp(st)
        crc = self.crcs.get(stamp)
        if crc is None:
            with open(path, "rb") as f:
                data = f.read()
            if len(data) != st.st_size:
                raise OSError(errno.EIO, "a file changed while it was read for a zip", str(path))
            crc = zlib.crc32(data)
        if st.st_mtime_ns < self.since:
            self.used[stamp] = crc
        return crc, st.st_size

    def save(self, dest: Path, members: dict[bytes, tuple[int, int, int]],
             previous: dict[bytes, tuple[int, int, int]]) -> None:
        """Remember the zip just written at `dest` with its `members`, the previous zip with those of its members
        known to hold their data (it stays published when the new zip holds the same bytes), and the CRCs used;
        nothing without a memory file, or where it can't be written."""
        if self.path is None:
            return
        zips = [(_file_stamp(os.stat(dest)), members), *([(self.previous, previous)] if self.previous else [])]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(self.path, marshal.dumps((_MEMORY, zips, self.used)))
        except OSError:  # a read-only cache folder: the next build reads the previous zip, nothing worse
            pass
