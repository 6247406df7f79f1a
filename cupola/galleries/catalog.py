"""Which galleries an archive can build, and building one by name (the API's ``/galleries/{name}``).

Names: ``Apollo 11`` or ``mission/Apollo 11`` (a mission story), ``theme/event/spacewalk``,
``timeline/1969`` or ``timeline/1969-07``, ``missions/Expedition 57,Expedition 58``, ``saved/<slug>``.
"""

from __future__ import annotations

from tantivy import Query

from cupola.archive import Archive
from cupola.errors import NotFound, UsageError
from cupola.galleries.model import Gallery, GalleryInfo
from cupola.index.keyword import open_index

MAX_LISTED = 1000


def list_galleries(archive: Archive) -> list[GalleryInfo]:
    """Missions and expeditions with photos in this archive (most photos first), then saved galleries."""
    from cupola.enrich import kb
    from cupola.galleries.saved import list_saved

    searcher = open_index(archive).searcher()
    try:
        result = searcher.aggregate(Query.all_query(), {"m": {"terms": {"field": "mission", "size": MAX_LISTED}}})
        buckets = result.get("m", {}).get("buckets", [])
    except ValueError:  # an empty index has no mission column yet
        buckets = []
    out = []
    for bucket in buckets:
        mission = kb.lookup_mission(str(bucket["key"]))
        if mission is not None:
            out.append(GalleryInfo(mission.name, mission.kind, int(bucket["doc_count"]), mission.start, mission.end))
    out.sort(key=lambda g: (-g.photos, g.name))
    for saved in list_saved(archive):
        out.append(GalleryInfo(f"saved/{saved['slug']}", "saved", saved["photos"]))
    return out


def build_gallery(archive: Archive, name: str, *, max_items: int = 30) -> Gallery | None:
    """Any gallery by name (see the module doc). Unknown missions raise ``UnknownSubject`` (404 with
    suggestions); a name of no known shape returns None."""
    from cupola.galleries.saved import load_gallery
    from cupola.galleries.story import mission_gallery
    from cupola.galleries.themes import missions_gallery, theme_gallery, timeline_gallery

    name = (name or "").strip().strip("/")
    if not name:
        return None
    head, _, rest = name.partition("/")
    head = head.lower()
    if head == "mission" and rest:
        return mission_gallery(archive, rest, max_items=max_items)
    if head == "theme" and rest:
        kind, _, value = rest.partition("/")
        if not value:
            raise UsageError("a theme gallery is theme/<kind>/<value>", hint="e.g. theme/event/spacewalk")
        return theme_gallery(archive, kind.lower(), value, max_items=max_items)
    if head == "timeline" and rest:
        return timeline_gallery(archive, rest, max_items=max_items)
    if head == "missions" and rest:
        return missions_gallery(archive, rest.split(","), max_items=max_items)
    if head == "saved" and rest:
        try:
            return load_gallery(archive, rest)
        except NotFound:
            return None
    return mission_gallery(archive, name, max_items=max_items)
