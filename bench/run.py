"""`make bench`: measure what the issues ask to measure and write docs/benchmarks.md.

Figures are medians of several rounds, because machines here are shared and noisy.
Each benchmark states its goal; a ratio is given against a baseline measured in the
same run where one is meaningful.
"""

import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7


def median_seconds(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.test")
    os.environ.setdefault("TONGBAN_DATA_DIR", tempfile.mkdtemp(prefix="tongban-bench-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_deadlines() -> list[str]:
    from tongban.workdays.constants import LimitUnit
    from tongban.workdays.selectors import calendar_get

    generator = random.Random(20200123)
    first, last = dt.date(2004, 1, 1).toordinal(), dt.date(2025, 9, 30).toordinal()
    cases = [
        (dt.date.fromordinal(generator.randint(first, last)), generator.randint(1, 60))
        for _ in range(100_000)
    ]
    calendar = calendar_get()

    def deadlines() -> None:
        for start, days in cases:
            calendar.add_working_days(start, days)

    def deadlines_with_pause() -> None:
        for start, days in cases:
            calendar.add_working_days(
                start, days, pauses=[(start, start + dt.timedelta(days=5))]
            )

    def calendar_days() -> None:
        for start, days in cases:
            calendar.add(start, days, LimitUnit.CALENDAR_DAYS)

    def naive_day_by_day() -> None:
        # Baseline: the obvious loop asking the calendar about every day, on 10,000 cases.
        for start, days in cases[:10_000]:
            day, counted = start, 0
            while counted < days:
                day += dt.timedelta(days=1)
                if calendar.is_working_day(day):
                    counted += 1

    def build_calendar() -> None:
        from tongban.workdays import selectors

        selectors._snapshots.clear()
        selectors.calendar_get(region="310115")

    plain = median_seconds(deadlines)
    paused = median_seconds(deadlines_with_pause)
    natural = median_seconds(calendar_days)
    naive = median_seconds(naive_day_by_day, rounds=3) * 10
    build = median_seconds(build_calendar)
    ask = (
        median_seconds(lambda: [calendar_get(region="310115") for _ in range(1000)])
        / 1000
    )
    verdict = "met" if plain <= 1.0 else "NOT met"
    return [
        "## Deadlines (working-day calendar)",
        "",
        "100,000 random deadlines of 1–60 working days from start dates in 2004–2025, on the",
        "national calendar, computed with one in-memory calendar snapshot.",
        "",
        "| what | median | per deadline | vs. day-by-day baseline |",
        "|---|---|---|---|",
        f"| 100,000 deadlines, working days (goal ≤ 1 s: **{verdict}**) | {plain:.3f} s | {plain * 10:.2f} µs | {naive / plain:.0f}× faster |",
        f"| 100,000 deadlines with a 6-day pause each | {paused:.3f} s | {paused * 10:.2f} µs | {naive / paused:.0f}× faster |",
        f"| 100,000 calendar-day limits (rest-day roll-forward) | {natural:.3f} s | {natural * 10:.2f} µs | — |",
        f"| baseline: day-by-day loop, scaled to 100,000 | {naive:.3f} s | {naive * 10:.2f} µs | 1× |",
        f"| build a region's calendar snapshot (23 years, from the database) | {build * 1000:.1f} ms | — | — |",
        f"| `calendar_get` when nothing changed (two revision queries) | {ask * 1e6:.0f} µs | — | — |",
        "",
    ]


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    setup_django()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench`; do not edit by hand. Medians of "
        f"{ROUNDS} rounds unless stated.",
        "",
        f"- measured: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        *bench_deadlines(),
    ]
    output = ROOT / "docs" / "benchmarks.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
