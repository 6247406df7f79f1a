"""Exports: the JSON contract, Markdown and HTML escaping, third-party credits, self-contained folders."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fixtures.galleries.archive import IMAGES, open_archive

from cupola.archive import Archive
from cupola.galleries import load_gallery, mission_gallery, save_gallery, timeline_gallery
from cupola.galleries.export import date_label, to_json, to_markdown, write_html
from cupola.ingest import ingest

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> [click](javascript:alert(2)) **bold**'
ITEM_KEYS = {"id", "heading", "caption", "credit", "taken_at", "taken_precision", "cluster_id", "image"}


@pytest.fixture(scope="module")
def archive():
    archive = open_archive()
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def apollo11(archive):
    return mission_gallery(archive, "Apollo 11", max_items=30)


@pytest.fixture(scope="module")
def hostile(archive):
    """A saved gallery: a copyrighted APOD photo, and a NASA photo retitled with hostile text."""
    save_gallery(archive, "Hostile <b>test</b>", [
        {"id": "apod-2011-07-21", "phase": "Third party"},
        {"id": "as11-40-5903", "phase": "Retitled", "heading": HOSTILE, "caption": HOSTILE},
    ], slug="hostile")
    return load_gallery(archive, "hostile")


def test_json_follows_the_public_contract(apollo11):
    data = json.loads(to_json(apollo11))
    assert data["title"] == "Apollo 11 in pictures"
    assert set(data["subject"]) == {"name", "kind", "dates", "crew"}
    assert data["subject"]["crew"] == ["Buzz Aldrin", "Michael Collins", "Neil Armstrong"]
    assert len(data["phases"]) >= 5
    for phase in data["phases"]:
        assert set(phase) >= {"name", "items"} and phase["items"]
        for item in phase["items"]:
            assert set(item) >= ITEM_KEYS
    assert sum(len(p["items"]) for p in data["phases"]) == 30


def test_markdown_has_every_phase_photo_credit_and_date(apollo11):
    text = to_markdown(apollo11)
    assert text.startswith("# Apollo 11 in pictures\n")
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == [p.name for p in apollo11.phases]
    assert text.count("### ") == 30 and text.count("![") == 30 and text.count("*Credit: ") == 30
    assert "20 July 1969" in text


def test_date_labels_keep_their_precision():
    assert date_label("1969-07-20", "day") == "20 July 1969"
    assert date_label("1969-07", "month") == "July 1969"
    assert date_label("1969", "year") == "1969"
    assert date_label(None, None) == "date unknown"


def test_third_party_photos_always_show_their_credit(hostile):
    apod = hostile.phases[0].items[0]
    assert apod.rights == "third_party" and apod.credit == "© John Sarkissian (CSIRO Parkes Observatory)"
    assert "*Credit: © John Sarkissian (CSIRO Parkes Observatory) · 21 July 2011 ·" in to_markdown(hostile)
    page = _write(hostile)
    card = re.search(r'<figure class="card" id="item-apod-2011-07-21".*?</figure>', page, re.S).group(0)
    assert 'data-rights="third_party"' in card and "Credit: © John Sarkissian (CSIRO Parkes Observatory)" in card


def test_saved_gallery_keeps_the_editors_order_and_words(hostile):
    assert [p.name for p in hostile.phases] == ["Third party", "Retitled"]
    retitled = hostile.phases[1].items[0]
    assert retitled.heading == HOSTILE and retitled.caption == HOSTILE
    assert retitled.credit == "NASA/JSC"  # the rest still comes from the record


def test_markdown_escapes_untrusted_text(hostile):
    text = to_markdown(hostile)
    assert "<script>" not in text and "<img" not in text
    assert "[click](javascript" not in text and "**bold**" not in text


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]


def _write(gallery, tmp=None) -> str:
    import tempfile
    from pathlib import Path

    folder = Path(tmp or tempfile.mkdtemp()) / "site"
    return write_html(gallery, folder).read_text(encoding="utf-8")


def test_html_escapes_untrusted_text(hostile):
    page = _write(hostile)
    parsed = _Collect()
    parsed.feed(page)
    assert parsed.tags.count("script") == 1  # only gallery.js
    assert not [a for a in parsed.attrs if a[1].startswith("on")]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<title>Hostile &lt;b&gt;test&lt;/b&gt;</title>" in page


def test_html_export_is_one_self_contained_folder(apollo11, tmp_path):
    index = write_html(apollo11, tmp_path / "apollo11")
    names = sorted(p.name for p in index.parent.iterdir())
    assert names == ["gallery.css", "gallery.js", "gallery.json", "index.html"]
    page = index.read_text(encoding="utf-8")
    assert 'href="gallery.css"' in page and 'src="gallery.js"' in page
    assert not re.search(r'(src|href)="(/|file:)', page)  # only relative or http(s) references
    assert page.count('<figure class="card"') == 30
    assert page.count('<section class="phase"') == len(apollo11.phases)
    assert json.loads((index.parent / "gallery.json").read_text())["title"] == "Apollo 11 in pictures"


def test_local_photos_are_copied_into_the_export(tmp_path):
    archive = Archive.open(tmp_path / "photos")
    ingest(archive, [IMAGES[0].parent], options={"no_vectors": True, "skip_steps": ["embed"]})
    gallery = timeline_gallery(archive, "2026")
    assert len(gallery.items) == 3  # the three Artemis II frames are dated April 2026 by their photo numbers
    index = write_html(gallery, tmp_path / "site")
    page = index.read_text(encoding="utf-8")
    copied = sorted(p.name for p in (index.parent / "images").iterdir())
    assert len(copied) == 6  # a thumbnail and a larger rendition each
    assert str(tmp_path) not in page
    for name in copied:
        assert f"images/{name}" in page


def test_saved_galleries_leave_out_uncredited_third_party_photos(tmp_path):
    from cupola.model import Record

    archive = Archive.open(tmp_path / "a")
    image = [{"role": "orig", "href": "https://apod.nasa.gov/apod/image/1107/x.jpg"}]
    with archive.writing():
        archive.upsert([(Record("apod-a", "apod", title="Credited", credit="A. Holder", rights="third_party",
                                taken_at="2011-07-21", taken_precision="day", assets=image), "h1"),
                        (Record("apod-b", "apod", title="Uncredited", rights="third_party", taken_at="2011-07-22",
                                taken_precision="day", assets=image), "h2")])
    save_gallery(archive, "Rights", ["apod-a", "apod-b"])
    gallery = load_gallery(archive, "rights")
    assert [i.id for i in gallery.items] == ["apod-a"] and gallery.items[0].credit == "© A. Holder"
    assert "apod-b left out" in gallery.notes[0]
