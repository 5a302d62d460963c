"""GB/T 2260 administrative region codes, current and abolished (data: gb2260.tsv)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = [
    "Region",
    "all_regions",
    "ancestors",
    "english_name",
    "exists",
    "get",
    "search",
]

_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # 6 digits
    name: str
    first_year: int  # first year the code appears in the sources
    last_year: int | None  # None while current; else last year it was listed

    @property
    def is_current(self) -> bool:
        return self.last_year is None

    @property
    def level(self) -> str:
        """One of "province" (XX0000), "prefecture" (XXXX00), "county"."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "prefecture"
        return "county"


@cache
def _table() -> dict[str, Region]:
    text = files(__name__).joinpath("gb2260.tsv").read_text(encoding="utf-8")
    table: dict[str, Region] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, name, first_year, last_year = line.split("\t")
        table[code] = Region(
            code, name, int(first_year), int(last_year) if last_year else None
        )
    return table


def get(code: str) -> Region | None:
    """The region of a code that exists or once existed; None otherwise."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return None
    return _table().get(code)


def exists(code: str) -> bool:
    """Whether the code exists now or existed at any time."""
    return get(code) is not None


def ancestors(code: str) -> list[str]:
    """The code, then its prefecture XXXX00 and province XX0000 if they (once) existed.

    [] for a code that never existed. The chain for inheriting regional settings.
    """
    if get(code) is None:
        return []
    table = _table()
    chain = [code]
    for parent in (code[:4] + "00", code[:2] + "0000"):
        if parent not in chain and parent in table:
            chain.append(parent)
    return chain


def all_regions() -> list[Region]:
    """Every region, current and abolished, sorted by code."""
    return list(_table().values())


def search(text: str, limit: int = 20) -> list[Region]:
    """Regions by code prefix or name substring, current ones first."""
    query = text.strip() if isinstance(text, str) else ""
    if not query or limit <= 0:
        return []
    if query.isascii() and query.isdigit():
        hits = [region for region in _table().values() if region.code.startswith(query)]
    else:
        hits = [region for region in _table().values() if query in region.name]
    hits.sort(
        key=lambda region: (not region.is_current, region.name != query, region.code)
    )
    return hits[:limit]


# GB/T 2260 names regions in Chinese only. The English names of the regions the platform
# serves, as their governments write them (Pudong is a "New Area"); pinyin from a
# dictionary would misread 长宁 (Chang-, not Zhang-) and 闵行 (-hang, not -xing).
ENGLISH_NAMES = {
    "310000": "Shanghai",
    "310100": "Shanghai",
    "310101": "Huangpu District",
    "310104": "Xuhui District",
    "310105": "Changning District",
    "310106": "Jing'an District",
    "310107": "Putuo District",
    "310109": "Hongkou District",
    "310110": "Yangpu District",
    "310112": "Minhang District",
    "310113": "Baoshan District",
    "310114": "Jiading District",
    "310115": "Pudong New Area",
    "310116": "Jinshan District",
    "310117": "Songjiang District",
    "310118": "Qingpu District",
    "310120": "Fengxian District",
    "310151": "Chongming District",
}


def english_name(code: str) -> str:
    """The region's English name where the platform knows it, else ""."""
    return ENGLISH_NAMES.get(code, "")
