"""A limit counted in the database holds for simultaneous tries from many connections."""

import threading

import pytest
from django.db import connection

from tongban.ops.models import RateWindow
from tongban.ops.ratelimits import rate_hit


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
