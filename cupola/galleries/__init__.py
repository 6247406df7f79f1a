"""Galleries: the "mission in pictures" story, theme / timeline / mission-list galleries, saved
custom galleries, and their exports (static HTML site, Markdown, JSON).

Public API (the CLI and the HTTP API are thin layers over it)::

    mission_gallery(archive, "Apollo 11", max_items=30) -> Gallery   # UnknownSubject if the KB lacks it
    theme_gallery(archive, kind, value, max_items=30)  -> Gallery    # kind: event, place, vehicle, person, mission
    timeline_gallery(archive, year, max_items=30)      -> Gallery    # year -> month phases
    missions_gallery(archive, ["Apollo 11", ...])      -> Gallery    # one phase per mission
    build_gallery(archive, name)                       -> Gallery | None   # any of the above by name
    list_galleries(archive)                            -> list[GalleryInfo]
    saved: save_gallery / load_gallery / list_saved / delete_gallery (cupola.galleries.saved)
    exporters: cupola.galleries.export.{to_json, to_markdown, write_html}
"""

from cupola.galleries.catalog import build_gallery, list_galleries
from cupola.galleries.model import Gallery, GalleryInfo, Item, Phase, Subject
from cupola.galleries.saved import delete_gallery, list_saved, load_gallery, save_from, save_gallery
from cupola.galleries.story import mission_gallery
from cupola.galleries.subject import UnknownSubject
from cupola.galleries.themes import THEME_KINDS, missions_gallery, theme_gallery, timeline_gallery

__all__ = ["THEME_KINDS", "Gallery", "GalleryInfo", "Item", "Phase", "Subject", "UnknownSubject", "build_gallery",
           "delete_gallery", "list_galleries", "list_saved", "load_gallery", "mission_gallery", "missions_gallery",
           "save_from", "save_gallery", "theme_gallery", "timeline_gallery"]
