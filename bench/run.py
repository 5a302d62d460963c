"""`make bench`: measure what the issues ask to measure and write docs/benchmarks.md.

Figures are medians of several rounds, because machines here are shared and noisy.
Each benchmark states its goal; a ratio is given against a baseline measured in the
same run where one is meaningful.

One benchmark per area (`AREAS`), each writing its own section. `make bench` runs them
all; `make bench ONLY=deadlines` (or `ONLY=search,cases`) runs those and replaces only
their sections, keeping the others' figures as they were, so an issue can measure its
own area before and after its change in the same hour.
"""

import argparse
import atexit
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import django
from cases_load import bench_cases_load
from django.core.management import call_command
from outage import bench_outage

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7
OUTPUT = ROOT / "docs" / "benchmarks.md"


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
    django.setup()
    call_command("migrate", verbosity=0)


def bench_deadlines() -> list[str]:
    # start-up: tongban's models load only after django.setup()
    from tongban.workdays import selectors
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
    count = int(os.environ.get("TONGBAN_BENCH_CASES", "1000000"))
    return bench_cases_load(generated_cases=count)


@dataclass(frozen=True)
class Area:
    """One benchmark: `make bench ONLY=<name>` runs it; its section in
    docs/benchmarks.md is the one whose heading starts with `heading`."""

    name: str
    heading: str
    run: Callable[[], list[str]]


AREAS = [
    Area("deadlines", "## Deadlines", bench_deadlines),
    Area("search", "## Catalogue search", bench_catalog_search),
    Area("cases", "## Cases under load", bench_cases),
    Area("outage", "## Outage drill", bench_outage),
]

HEADER = [
    "# Benchmarks",
    "",
    "Written by `make bench` (every area) or `make bench ONLY=<area>` (that area's "
    "section only; the others are kept as they were); do not edit by hand. Medians of "
    f"{ROUNDS} rounds unless stated; each section says when and where it was measured.",
    "",
]


def areas_chosen(only: str) -> list[Area]:
    """The areas named in `only` (comma-separated), in the registry's order; all if empty."""
    names = [name.strip() for name in only.split(",") if name.strip()]
    known = {area.name for area in AREAS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(
            f"unknown benchmark area {', '.join(unknown)}; the areas: {', '.join(sorted(known))}"
        )
    return [area for area in AREAS if not names or area.name in names]


def sections_split(text: str) -> tuple[list[str], list[list[str]]]:
    """The lines before the first `## ` heading, and each section from its heading on."""
    header: list[str] = []
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            header.append(line)
    return header, sections


def area_of(section: list[str]) -> Area | None:
    return next((a for a in AREAS if section[0].startswith(a.heading)), None)


def document_merge(
    previous: str | None, measured: dict[str, list[str]], *, partial: bool
) -> str:
    """docs/benchmarks.md with the measured areas' sections replaced. A full run writes
    every section afresh; a partial one keeps the header and every other section as it
    was, and adds a measured area not yet there at the end."""
    if previous is None or not partial:
        header, sections = HEADER, []
    else:
        header, sections = sections_split(previous)
    lines = list(header)
    written = set()
    for section in sections:
        area = area_of(section)
        if area is not None and area.name in measured:
            section = measured[area.name]
            written.add(area.name)
        lines += section
    for area in AREAS:
        if area.name in measured and area.name not in written:
            lines += measured[area.name]
    return "\n".join(lines) + "\n"


def section_measure(area: Area) -> list[str]:
    """The area's section: its heading, when and where it was measured, its figures."""
    lines = area.run()
    if not lines or not lines[0].startswith(area.heading):
        raise SystemExit(
            f"the {area.name} benchmark's section must start with {area.heading!r}: "
            "its old figures would not be replaced"
        )
    stamp = (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}."
    )
    body = lines[1:]
    while body and body[-1] == "":
        body.pop()
    return [lines[0], "", stamp, *body, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default="",
        help="areas to run, comma-separated: " + ", ".join(a.name for a in AREAS),
    )
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help="the document to write"
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="list the areas and their sections, run none",
    )
    arguments = parser.parse_args()
    chosen = areas_chosen(arguments.only)
    if arguments.list:
        for area in chosen:
            print(f"{area.name:10} {area.heading}  ({area.run.__name__})")
        return
    sys.path.insert(0, str(ROOT / "src"))
    setup_django()
    measured = {area.name: section_measure(area) for area in chosen}
    output: Path = arguments.output
    previous = output.read_text(encoding="utf-8") if output.exists() else None
    text = document_merge(previous, measured, partial=len(chosen) < len(AREAS))
    output.write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
