"""Catalogue search: segmented documents in, ranked implementations out.

Documents and queries are turned into the same words: jieba's search segmentation of
Chinese, pinyin in full and as initials (per word and for the whole name), English
words, aliases and codes — stored as space-separated text that the database indexes
(SQLite FTS5, PostgreSQL `simple` full text). A query is a list of groups of
alternatives (a word and its synonyms); all groups must match, else any group may.
Candidates are then ranked in Python: exact name, name prefix, name contains, alias,
then the index's own score and popularity.
"""

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_CANDIDATES = 300


@functools.cache
def _jieba():  # type: ignore[no-untyped-def]
    """jieba, loaded once per process, with its dictionary cache in the data folder."""
    # start-up: jieba and its dictionary (~0.3 s, tens of MB) only where search runs
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(settings.DATA_DIR)
    tokenizer.initialize()
    return tokenizer


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def chinese_words(text: str) -> list[str]:
    """jieba's search segmentation: a word and the shorter words inside it."""
    return [word for word in _jieba().cut_for_search(text) if word.strip()]


def _pinyin(words: Iterable[str]) -> list[str]:
    # start-up: pypinyin's tables (~0.3 s) only where search documents are built
    from pypinyin import Style, lazy_pinyin

    terms: list[str] = []
    full_name: list[str] = []
    initials_name: list[str] = []
    for word in words:
        if not _CJK.search(word):
            continue
        syllables = lazy_pinyin(word, errors="ignore")
        initials = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")
        if syllables:
            terms += ["".join(syllables), "".join(initials)]
            full_name.append("".join(syllables))
            initials_name.append("".join(initials))
    if len(full_name) > 1:
        terms += ["".join(full_name), "".join(initials_name)]
    return terms


def document_terms(
    *,
    name: str,
    aliases: Iterable[str],
    name_en: str,
    codes: Iterable[str],
    extra: str = "",
) -> str:
    """The search document of an implementation: every word it should be found by."""
    terms: list[str] = []
    name_words = [word for word in _jieba().cut(normalise(name)) if word.strip()]
    terms += chinese_words(normalise(name))
    terms += _pinyin(name_words)
    for alias in aliases:
        alias = normalise(alias)
        alias_words = [word for word in _jieba().cut(alias) if word.strip()]
        terms += [alias, *chinese_words(alias), *_pinyin(alias_words)]
    terms += _LATIN_WORD.findall(normalise(name_en))
    terms += [normalise(code) for code in codes]
    if extra:
        terms += chinese_words(normalise(extra))
    # Only letters, digits and CJK survive as index words; keep order, drop repeats.
    seen: dict[str, None] = {}
    for term in terms:
        cleaned = re.sub(r"[^0-9a-z\u3400-\u9fff]", "", term)
        if cleaned:
            seen.setdefault(cleaned, None)
    return " ".join(seen)


Alternative = tuple[
    tuple[str, ...], bool
]  # words that must all be there; prefix match?
Group = list[Alternative]  # any one alternative will do


@dataclass(frozen=True)
class Query:
    text: str
    groups: list[Group]  # every group must match (or, as a fallback, any)


def _index_words(text: str) -> tuple[str, ...]:
    """A phrase as the words the index holds: 就医记录册 → (就医, 记录册)."""
    words = [
        re.sub(r"[^\u3400-\u9fff0-9a-z]", "", word)
        for word in _jieba().cut(normalise(text))
    ]
    return tuple(word for word in words if word)


def _alternatives(word: str, synonyms: dict[str, list[str]]) -> Group:
    group: Group = [((word,), False)]
    for target in synonyms.get(word, []):
        words = _index_words(target)
        if words:
            group.append((words, False))
    return group


def parse_query(text: str, synonyms: dict[str, list[str]]) -> Query:
    """The groups of words a query needs: one group per word, with its synonyms."""
    text = normalise(text)[:100]
    groups: list[Group] = []
    for part in text.split():
        if not _CJK.search(part):
            groups += [
                [((word,), len(word) >= 2)] for word in _LATIN_WORD.findall(part)
            ]
            continue
        cleaned_part = re.sub(r"[^\u3400-\u9fff0-9a-z]", "", part)
        if part in synonyms:
            groups.append(_alternatives(cleaned_part, synonyms))
            continue
        words = chinese_words(part)
        # The shorter words inside a longer one add nothing to an AND query.
        longest = [
            w for w in words if not any(w != other and w in other for other in words)
        ]
        for word in longest:
            cleaned = re.sub(r"[^\u3400-\u9fff0-9a-z]", "", word)
            if cleaned:
                groups.append(_alternatives(cleaned, synonyms))
    return Query(text=text, groups=groups)


# --- the index ---------------------------------------------------------------------------


def index_replace(item_id: int, document: str) -> None:
    """Put an implementation's document in the index (SQLite; PostgreSQL indexes the column)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_search WHERE rowid = %s", [item_id])
        cursor.execute(
            "INSERT INTO catalog_search (rowid, document) VALUES (%s, %s)",
            [item_id, document],
        )


def index_remove(item_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_search WHERE rowid = %s", [item_id])


def _fts5_expression(groups: list[Group], operator: str) -> str:
    def alternative(words: tuple[str, ...], prefix: bool) -> str:
        terms = [f'"{word}"' + ("*" if prefix else "") for word in words]
        return terms[0] if len(terms) == 1 else "(" + " AND ".join(terms) + ")"

    parts = [
        "(" + " OR ".join(alternative(w, p) for w, p in group) + ")" for group in groups
    ]
    return f" {operator} ".join(parts)


def _tsquery_expression(groups: list[Group], operator: str) -> str:
    def alternative(words: tuple[str, ...], prefix: bool) -> str:
        terms = [f"'{word}'" + (":*" if prefix else "") for word in words]
        return terms[0] if len(terms) == 1 else "(" + " & ".join(terms) + ")"

    parts = [
        "(" + " | ".join(alternative(w, p) for w, p in group) + ")" for group in groups
    ]
    return f" {operator} ".join(parts)


def index_match(groups: list[Group], *, every: bool) -> list[tuple[int, float]]:
    """Item ids matching the groups (all of them, or any), with the index's score."""
    if not groups:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            expression = _fts5_expression(groups, "AND" if every else "OR")
            cursor.execute(
                "SELECT rowid, bm25(catalog_search) FROM catalog_search "
                "WHERE catalog_search MATCH %s ORDER BY bm25(catalog_search) LIMIT %s",
                [expression, _CANDIDATES],
            )
            return [(row[0], -float(row[1])) for row in cursor.fetchall()]
        expression = _tsquery_expression(groups, "&" if every else "|")
        cursor.execute(
            # search_vector: to_tsvector('simple', search_document), stored (0003)
            "SELECT id, ts_rank(search_vector, query) AS score "
            "FROM catalog_serviceitem, to_tsquery('simple', %s) AS query "
            "WHERE search_vector @@ query AND NOT is_retired "
            "ORDER BY score DESC LIMIT %s",
            [expression, _CANDIDATES],
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
