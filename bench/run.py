"""`make bench`: measure what the issues ask to measure and write docs/benchmarks.md.

Figures are medians of several rounds, because machines here are shared and noisy.
Each benchmark states its goal; a ratio is given against a baseline measured in the
same run where one is meaningful.
"""

import atexit
import datetime as dt
import os
import platform
import random
import shutil
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
    if "TONGBAN_DATA_DIR" not in os.environ:
        data = tempfile.mkdtemp(prefix="tongban-bench-")
        atexit.register(shutil.rmtree, data, ignore_errors=True)
        os.environ["TONGBAN_DATA_DIR"] = data
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
        f"| `calendar_get` when nothing changed (one revision query) | {ask * 1e6:.0f} µs | — | — |",
        "",
    ]


def bench_catalog_search() -> list[str]:
    """Search p50/p99 on a synthetic 10,000-implementation catalogue, SQLite and PostgreSQL."""
    import json
    import subprocess

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        environment = {
            **os.environ,
            "TONGBAN_DATA_DIR": folder,
            "TONGBAN_DATABASE_URL": "",
        }
        environment.pop("TONGBAN_DATABASE_URL")
        databases = [("SQLite (file, WAL)", environment)]
        # Outside the private temporary folder: the server runs as the postgres user.
        pg_folder = Path(tempfile.gettempdir()) / f"tongban-bench-pg-{os.getpid()}"
        url = subprocess.run(
            [str(ROOT / "scripts" / "pg-test-server"), "start", str(pg_folder)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if url:
            databases.append(
                ("PostgreSQL 15", {**environment, "TONGBAN_DATABASE_URL": url})
            )
        try:
            for label, env in databases:
                output = (
                    subprocess.run(
                        [
                            sys.executable,
                            str(ROOT / "bench" / "catalog_search.py"),
                            "10000",
                        ],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                figures = json.loads(output)
                verdict = "met" if figures["p99_ms"] <= 30 else "NOT met"
                rows.append(
                    f"| {label} | {figures['p50_ms']:.1f} ms | {figures['p99_ms']:.1f} ms ({verdict}) "
                    f"| {figures['district_p50_ms']:.1f} / {figures['district_p99_ms']:.1f} ms "
                    f"| {figures['load_seconds']:.0f} s |"
                )
        finally:
            if url:
                subprocess.run(
                    [str(ROOT / "scripts" / "pg-test-server"), "stop", str(pg_folder)],
                    check=False,
                )
    return [
        "## Catalogue search",
        "",
        "A synthetic catalogue of 10,000 implementations (15 subjects × 8 actions × 68",
        "departments in 17 regions, with aliases, pinyin and English names) loaded through",
        "`catalog_load`; 18 realistic queries (驾照, jsz, jiashizheng, work permit, 营业执照变更, …)",
        "× 30 rounds through `service_search`, the same call the pages and the API make.",
        "",
        "| database | p50 | p99 (goal ≤ 30 ms) | with a district filter p50 / p99 | load of 10,000 |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]


def bench_cases() -> list[str]:
    from cases_load import bench_cases_load

    count = int(os.environ.get("TONGBAN_BENCH_CASES", "1000000"))
    return bench_cases_load(generated_cases=count)


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
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
        *bench_catalog_search(),
        *bench_cases(),
    ]
    output = ROOT / "docs" / "benchmarks.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
