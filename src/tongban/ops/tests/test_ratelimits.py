"""A limit counted in the database holds for simultaneous tries from many connections;
looking at a count counts nothing."""

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
from django.db import connection

from tongban.ops import ratelimits
from tongban.ops.models import RateWindow
from tongban.ops.ratelimits import rate_count, rate_hit, rate_window_left


@pytest.mark.django_db(transaction=True)
def test_of_sixty_simultaneous_tries_exactly_the_limit_pass() -> None:
    barrier = threading.Barrier(12)
    passed: list[bool] = []

    def tries() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                passed.append(
                    rate_hit(key="progress:203.0.113.7", limit=10, window_seconds=3600)
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=tries) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 60
    assert passed.count(True) == 10
    assert RateWindow.objects.get(key="progress:203.0.113.7").count == 60
    assert rate_hit(key="progress:198.51.100.1", limit=10, window_seconds=3600)


def test_a_look_counts_nothing_and_a_refusal_knows_when_its_window_ends(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = dt.datetime(2026, 12, 1, 8, 3, 20, tzinfo=dt.UTC)  # 200 s into 10 minutes
    monkeypatch.setattr(ratelimits, "timezone", SimpleNamespace(now=lambda: moment))
    assert rate_count(key="login-failures:600:203.0.113.7", window_seconds=600) == 0
    for _ in range(3):
        rate_hit(key="login-failures:600:203.0.113.7", limit=30, window_seconds=600)
    assert rate_count(key="login-failures:600:203.0.113.7", window_seconds=600) == 3
    assert rate_count(key="login-failures:600:203.0.113.7", window_seconds=600) == 3
    assert rate_window_left(window_seconds=600) == 400
    assert rate_window_left(window_seconds=86_400) == 86_400 - (8 * 3600 + 200)
