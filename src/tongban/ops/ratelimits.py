"""Limits on how often a key may be used, shared by every process (the database counts).

`rate_hit` counts one use and says whether it is within the limit. Windows are fixed
(aligned to the epoch) and measured in real time, not on the platform clock, which tests
and drills move.
"""

import datetime as dt
import math

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tongban.ops.models import RateWindow


def _window_start(window_seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(
        timezone.now().timestamp() // window_seconds * window_seconds, tz=dt.UTC
    )


def rate_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of `key`; True while the uses in this window are at most `limit`.

    The increment and the read are one transaction on the window's row, so of any number
    of simultaneous tries exactly `limit` pass in a window, whichever process they reach.
    """
    start = _window_start(window_seconds)
    with transaction.atomic(durable=True):  # a count stands whatever the caller does
        updated = RateWindow.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, window_start=start, count=1)
                return limit >= 1
            except IntegrityError:  # another process made the row first
                RateWindow.objects.filter(key=key, window_start=start).update(
                    count=F("count") + 1
                )
        count = (
            RateWindow.objects.filter(key=key, window_start=start)
            .values_list("count", flat=True)
            .get()
        )
    return count <= limit


def rate_count(*, key: str, window_seconds: int) -> int:
    """The uses of `key` counted so far in this window, counting none (a look, not a use).

    For limits on what fails (a wrong password): look before trying, `rate_hit` after a
    failure. Simultaneous tries may all look before any counts, so such a limit can be
    passed by as many tries as arrive at once; `rate_hit` alone has no such gap.
    """
    counted = (
        RateWindow.objects.filter(key=key, window_start=_window_start(window_seconds))
        .values_list("count", flat=True)
        .first()
    )
    return counted or 0


def rate_window_left(*, window_seconds: int) -> int:
    """Whole seconds until the current window ends (at least 1): a refusal's Retry-After."""
    end = _window_start(window_seconds) + dt.timedelta(seconds=window_seconds)
    return max(1, math.ceil((end - timezone.now()).total_seconds()))


def rate_windows_prune(*, older_than: dt.timedelta) -> int:
    """Forget windows that ended long ago (the scheduler's job keeps the table small)."""
    deleted, _ = RateWindow.objects.filter(
        window_start__lt=timezone.now() - older_than
    ).delete()
    return deleted
