"""Find the photos that may belong to a mission, through the keyword index (fast at any archive size).

A photo is a candidate when any of these holds:
- it links the mission as an entity (``mission_l``), or names it or an alias in title/keywords/caption;
- its photo number carries the mission's roll prefix (AS11-..., STS061-..., ISS058-...), checked later
  against ``cupola.enrich.photo_ids`` so only numbers that really imply the mission count;
- it is dated inside the flight window and links or names a crew member.
Candidates are then scored in Python (``cupola.galleries.relevance``); this module only gathers them.
"""

from __future__ import annotations

import re

import tantivy
from tantivy import Occur, Query

from cupola.archive import Archive
from cupola.galleries.model import Subject
from cupola.galleries.subject import window
from cupola.index.keyword import open_index
from cupola.model import Record

MAX_CANDIDATES = 3000
TEXT_FIELDS = ["title", "keywords", "caption"]


def id_tokens(subject: Subject) -> list[str]:
    """Index tokens of photo numbers a mission's rolls carry ("Apollo 11" -> "as11"), by numbering scheme."""
    tokens = []
    for name in (subject.name, *subject.aliases):
        m = re.fullmatch(r"(?i)apollo\s+(\d{1,2})", name.strip())
        if m:
            tokens.append(f"as{int(m.group(1))}")
        m = re.fullmatch(r"(?i)sts[- ]?(\d{1,3})", name.strip())
        if m:
            tokens += [f"sts{int(m.group(1)):03d}", f"s{int(m.group(1)):02d}"]
        m = re.fullmatch(r"(?i)(?:iss\s+)?expedition\s+(\d{1,3})", name.strip())
        if m:
            tokens.append(f"iss{int(m.group(1)):03d}")
        m = re.fullmatch(r"(?i)skylab\s+(\d)", name.strip())
        if m:
            tokens.append(f"sl{int(m.group(1))}")
    return list(dict.fromkeys(tokens))


def _phrase(index: tantivy.Index, text: str) -> tantivy.Query | None:
    words = re.findall(r"\w+", text)
    if not words:
        return None
    try:
        return index.parse_query('"' + " ".join(words) + '"', TEXT_FIELDS)
    except ValueError:
        return None


def _day(d: object) -> int:
    return d.year * 10000 + d.month * 100 + d.day  # type: ignore[attr-defined]


def build_query(index: tantivy.Index, subject: Subject) -> tantivy.Query:
    schema = index.schema
    names = list(dict.fromkeys([subject.name, *subject.aliases]))
    should: list[tuple[Occur, tantivy.Query]] = [
        (Occur.Should, Query.boost_query(Query.term_set_query(schema, "mission_l", [n.lower() for n in names]), 4.0))]
    for name in names:
        phrase = _phrase(index, name)
        if phrase is not None:
            should.append((Occur.Should, Query.boost_query(phrase, 2.0)))
    for token in id_tokens(subject):
        for field in ("other", "caption", "title"):
            should.append((Occur.Should, Query.boost_query(Query.term_query(schema, field, token), 3.0)))
    flight = window(subject)
    if flight is not None and subject.matching_crew():
        crew: list[tuple[Occur, tantivy.Query]] = [
            (Occur.Should, Query.term_set_query(schema, "person_l", [c.lower() for c in subject.matching_crew()]))]
        for person in subject.matching_crew():
            phrase = _phrase(index, person)
            if phrase is not None:
                crew.append((Occur.Should, phrase))
        lo, hi = _day(flight[0]), _day(flight[1])
        dated = Query.boolean_query([
            (Occur.Must, Query.range_query(schema, "date_lo", tantivy.FieldType.Integer, lo - 2, hi)),
            (Occur.Must, Query.range_query(schema, "date_hi", tantivy.FieldType.Integer, lo, hi + 2)),
            (Occur.Must, Query.boolean_query(crew)),
        ])
        should.append((Occur.Should, dated))
    return Query.boolean_query(should)


def candidates(archive: Archive, subject: Subject, limit: int = MAX_CANDIDATES) -> list[tuple[Record, float]]:
    """Records that may belong to the subject, with their index score, best first."""
    index = open_index(archive)
    searcher = index.searcher()
    result = searcher.search(build_query(index, subject), limit=limit)
    ranked = [(searcher.doc(address)["id"][0], float(score)) for score, address in result.hits]
    records = archive.get_many([i for i, _ in ranked])
    return [(records[i], s) for i, s in ranked if i in records]


def filtered(archive: Archive, query: tantivy.Query | None, limit: int) -> list[tuple[Record, float]]:
    """Records matching any tantivy query (theme and timeline galleries), best first."""
    index = open_index(archive)
    searcher = index.searcher()
    result = searcher.search(query if query is not None else Query.all_query(), limit=limit)
    ranked = [(searcher.doc(address)["id"][0], float(score)) for score, address in result.hits]
    records = archive.get_many([i for i, _ in ranked])
    return [(records[i], s) for i, s in ranked if i in records]
