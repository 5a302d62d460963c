"""The platform clock: every service and job asks here for "now", never the system.

Where `TONGBAN_CLOCK_ADJUSTABLE` is on (tests, demos), the clock can be moved to another
moment, from which it keeps running. The offset lives in a small file in the data folder,
so the web server, the worker and the scheduler — separate processes — agree on the time
the moment it is moved, at the cost of one `stat` per reading. Production never moves it.
"""

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


@dataclass(frozen=True)
class _Offset:
    seconds: float
    stamp: tuple[
        int, int
    ]  # (inode, mtime): each move writes a new file, so a new inode


_cached: dict[Path, _Offset] = {}


def _clock_file() -> Path:
    return Path(settings.DATA_DIR) / "clock.json"


def _offset_seconds() -> float:
    if not settings.TONGBAN_CLOCK_ADJUSTABLE:
        return 0.0
    path = _clock_file()
    try:
        status = os.stat(path)
        stamp = (status.st_ino, status.st_mtime_ns)
    except FileNotFoundError:
        _cached.pop(path, None)
        return 0.0
    cached = _cached.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached.seconds
    try:
        seconds = float(json.loads(path.read_text())["offset_seconds"])
    except (OSError, ValueError, KeyError):
        seconds = 0.0
    _cached[path] = _Offset(seconds=seconds, stamp=stamp)
    return seconds


def now() -> dt.datetime:
    """The platform's current time (aware, UTC)."""
    offset = _offset_seconds()
    current = timezone.now()
    return current + dt.timedelta(seconds=offset) if offset else current


def today() -> dt.date:
    """The platform's current date in the platform's time zone."""
    return timezone.localdate(now())


def is_adjusted() -> bool:
    return _offset_seconds() != 0.0


def set_now(moment: dt.datetime) -> None:
    """Move the platform clock so that it reads `moment` now and keeps running from there."""
    if not settings.TONGBAN_CLOCK_ADJUSTABLE:
        raise RuntimeError(
            "the platform clock can only be moved where TONGBAN_CLOCK_ADJUSTABLE is on"
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    offset = (moment - timezone.now()).total_seconds()
    path = _clock_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"offset_seconds": offset, "set_to": moment.isoformat()})
    # Write then rename, so a reader in another process never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".clock-")
    with os.fdopen(handle, "w") as stream:
        stream.write(payload)
    os.replace(temporary, path)


def reset() -> None:
    """Put the platform clock back on the system time."""
    _clock_file().unlink(missing_ok=True)


def parse_moment(text: str) -> dt.datetime:
    """An ISO date-time typed by a person (a bare date means its midnight, local time)."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(
            f"not an ISO date-time: {text!r} (e.g. 2026-03-02T09:00:00+08:00)"
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
