"""Write files safely and reproducibly: temp file + rename, zips with fixed member dates."""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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


def rezip(src: Path, dest: Path, epoch: int, *, stored: frozenset[str] = frozenset()) -> None:
    """Copy zip `src` to `dest` member by member, in the same order, with every date set to `epoch`.

    Members keep their compression method (deflated members are re-deflated at level 9, which
    is deterministic for the same zlib); names in `stored` are forced to ZIP_STORED.
    """
    date = zip_date(epoch)
    with zipfile.ZipFile(src) as zin, atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w") as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=date)
            out.compress_type = zipfile.ZIP_STORED if info.filename in stored else info.compress_type
            out.external_attr = 0o644 << 16
            out.create_system = 3
            zout.writestr(out, zin.read(info.filename), compresslevel=9)
