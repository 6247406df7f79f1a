"""What a gallery is: a subject, phases in story order, and items (one photo each, ready to publish).

``Gallery.to_dict()`` is the public JSON contract of ``cupola gallery --format json`` and of
``/api/v1/galleries/...``::

    {"title", "subject": {"name", "kind", "dates", "crew"}, "phases": [{"name", "items": [
        {"id", "heading", "caption", "credit", "taken_at", "taken_precision", "cluster_id", "image", ...}]}]}

Items also carry ``thumbnail``, ``link`` (the record's public page when known), ``rights`` and ``event``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Subject:
    """What a gallery is about: a mission, an expedition, a theme, a period or a saved selection."""

    name: str
    kind: str  # mission | expedition | theme | timeline | saved | missions
    start: str | None = None
    end: str | None = None
    crew: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    crew_variants: list[str] = field(default_factory=list)  # every spelling the KB lists (for matching)

    def matching_crew(self) -> list[str]:
        return list(dict.fromkeys([*self.crew, *self.crew_variants]))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "dates": {"start": self.start, "end": self.end},
                "crew": list(self.crew)}


@dataclass
class Item:
    id: str
    heading: str
    caption: str
    credit: str
    taken_at: str | None
    taken_precision: str | None
    cluster_id: str | None
    image: str | None
    thumbnail: str | None = None
    link: str | None = None
    rights: str | None = None
    event: str | None = None
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "heading": self.heading, "caption": self.caption, "credit": self.credit,
                "taken_at": self.taken_at, "taken_precision": self.taken_precision,
                "cluster_id": self.cluster_id, "image": self.image, "thumbnail": self.thumbnail,
                "link": self.link, "rights": self.rights, "event": self.event}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        known = {k: data.get(k) for k in cls.__dataclass_fields__ if k != "score"}
        known["heading"] = known["heading"] or ""
        known["caption"] = known["caption"] or ""
        known["credit"] = known["credit"] or ""
        return cls(**known)


@dataclass
class Phase:
    name: str
    key: str
    items: list[Item] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "items": [i.to_dict() for i in self.items]}


@dataclass
class Gallery:
    title: str
    subject: Subject
    phases: list[Phase] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "no photos of Apollo 7 in this archive"
    candidates: int = 0  # how many photos matched before selection
    took_ms: float = 0.0

    @property
    def items(self) -> list[Item]:
        return [item for phase in self.phases for item in phase.items]

    @property
    def empty(self) -> bool:
        return not any(phase.items for phase in self.phases)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "subject": self.subject.to_dict(),
                "phases": [p.to_dict() for p in self.phases if p.items],
                "notes": list(self.notes), "candidates": self.candidates, "took_ms": round(self.took_ms, 1)}


@dataclass
class GalleryInfo:
    """One entry of ``list_galleries``: a gallery the archive can build, and how many photos back it."""

    name: str
    kind: str
    photos: int
    start: str | None = None
    end: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "photos": self.photos, "start": self.start, "end": self.end}
