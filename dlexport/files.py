"""Write files safely and reproducibly: temp file + rename, zips with fixed member dates."""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

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


def write_zip(dest: Path, members: Iterable[tuple[str, bytes, bool]], epoch: int) -> None:
    """Write a zip of (name, data, deflate?) members in the given order, every date set to `epoch`.

    Same members, same bytes: no clock, no host, fixed permissions. Already-compressed data
    (PNG, JPEG, media) should be stored (deflate=False): compressing it again only costs time.
    """
    date = zip_date(epoch)
    with atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w") as z:
        for name, data, deflate in members:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, data, compresslevel=6)
