"""Gallery pages: photo items from real saved HTML and text captures, by general layout rules."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cupola.archive import Archive
from cupola.ingest import ingest
from cupola.model import RawItem, Rejection
from cupola.normalise import to_record
from cupola.sources import detect
from cupola.sources.pages import read

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
PAGES = FIXTURES / "pages"


def items(path: Path) -> list[dict]:
    return [e.data["item"] for e in read(path) if isinstance(e, RawItem)]


def test_html_and_text_captures_are_detected_as_pages() -> None:
    assert detect(PAGES / "chandra_2024_timelapse_more.htm").kind == "page"
    assert detect(FIXTURES / "text" / "crew-1-in-pictures.txt").kind == "page"


def test_thumbnail_grid_with_group_credits() -> None:
    found = items(PAGES / "chandra_2024_timelapse_more.htm")
    assert len(found) == 81
    first = found[0]
    assert (first["image"], first["thumbnail"], first["caption"]) == (
        "timelapse_crab_nebula.jpg", "timelapse_crab_nebula_thm.jpg", "Crab Nebula Composite")
    assert first["credit"].startswith("X-ray: NASA/CXC/SAO; Infrared: NASA/STScI")
    assert all(i["credit"] for i in found)


def test_figure_carousel_keeps_each_slide_and_its_credit() -> None:
    found = items(PAGES / "nasagov_image-article_collins-spacesuit-carousel.htm")
    photos = [i for i in found if i["image"]]
    assert [Path(i["image"].split("?")[0]).name for i in photos] == [
        "collins-0g-6.jpg", "collins-0g-1.jpg", "collins-0g-3.jpg"]
    assert len(found) == 4  # plus the video slide
    assert {i["credit"] for i in found} == {"Collins Aerospace"}
    assert all(i["caption"].startswith("Collins Aerospace") for i in photos)


def test_captions_with_bracketed_credits_and_blog_image_blocks() -> None:
    found = items(PAGES / "lroc_157_apollo-landing-sites.htm")
    assert len(found) == 10
    assert found[0]["credit"] == "NASA/GSFC/Arizona State University"
    assert not found[0]["caption"].endswith("]")
    assert sum(1 for i in found if i["caption"].startswith("Apollo") and "Landing Site" in i["caption"]) == 5


def test_lightbox_data_attributes_and_no_decoys_from_script_templates() -> None:
    found = items(PAGES / "jpl_spaceimages_mars_2019-03.html")
    titles = [i["heading"] for i in found]
    assert "A Puzzling Cosmic Ring" in titles
    assert all("data.title" not in t for t in titles)
    assert len(found) >= 32
    dated = [i for i in found if i["date"]]
    assert len(dated) >= 30 and all("2019" in i["date"] for i in dated)


def test_single_picture_pages_take_labelled_caption_and_credit() -> None:
    (apod,) = items(PAGES / "apod_2017-06-15_red-sprites.html")
    assert apod["heading"] == "Red Sprites over the Channel"
    assert apod["caption"].startswith("Mysterious and incredibly brief, red sprites")
    assert apod["credit"].startswith("Stephane Vetter") and apod.get("copyright") is True
    (esa,) = items(PAGES / "esa_multimedia_juice-snaps-moon.htm")  # no <img>: og:image + description
    assert esa["credit"] == "ESA/Juice/JMC" and "Juice" in esa["image"]
    assert esa["caption"].startswith("During the first step of humankind")
    (photojournal,) = items(PAGES / "photojournal_PIA25889.htm")
    assert photojournal["credit"].startswith("NASA/JPL-Caltech/ASU/MSSS")


def test_image_next_to_caption_and_credit_span_with_scripts_ignored() -> None:
    found = items(PAGES / "spacecom_2014_nasa-budget-omnibus.html")
    captions = {i["caption"]: i["credit"] for i in found}
    assert captions["The SOFIA flying observatory."] == "NASA"
    assert captions["Artist’s concept of Orion separating from SLS rocket."] == "NASA"
    assert not any("window.location" in c for c in captions)


def test_text_capture_with_embedded_posts_and_trailing_credits() -> None:
    found = items(FIXTURES / "text" / "crew-1-in-pictures.txt")
    posts = [i for i in found if i["layout"] == "social-post"]
    assert len(posts) >= 15
    tour = next(p for p in posts if "tour around" in p["caption"])
    assert tour["credit"] == "International Space Station (@Space_Station)"
    assert tour["date"] == "November 16, 2020"
    assert tour["heading"].startswith("On their way to the ISS")
    noguchi = [p for p in posts if p["credit"].endswith("(@Astro_Soichi)")]
    assert len(noguchi) >= 5  # names with parentheses of their own
    portrait = next(i for i in found if i["caption"].startswith("SpaceX’s Crew-1 astronauts. From left"))
    assert portrait["credit"] == "NASA"
    assert not any("Starlink" in i["caption"] for i in found)  # "Editors' Recommendations" ends the gallery


def test_text_capture_of_heading_and_caption_pairs() -> None:
    found = items(FIXTURES / "text" / "expedition-58-in-pictures.txt")
    pairs = [i for i in found if i["layout"] == "heading-caption"]
    assert len(pairs) >= 50
    go = next(i for i in pairs if i["heading"] == "Everything's A Go")
    assert go["caption"].startswith("On Nov. 29, 2018, Expedition 58 crewmembers")
    assert not any("Newsletter" in i["heading"] for i in found)


def test_numbered_slides_with_credit_lines(tmp_path: Path) -> None:
    # the slide shape of photo galleries, built from the Expedition 58 capture's own lines
    lines = (FIXTURES / "text" / "expedition-58-in-pictures.txt").read_text().splitlines()
    slides = ["Expedition 58 in pictures", ""]
    for number, (heading, caption) in enumerate([(lines[4], lines[5]), (lines[6], lines[7])], start=1):
        slides += [f"{number} of 2", heading, caption, "Credit: NASA", ""]
    capture = tmp_path / "slides.txt"
    capture.write_text("\n".join(slides))
    found = items(capture)
    assert [(i["slide"], i["heading"], i["credit"]) for i in found] == [
        ("1 of 2", lines[4], "NASA"), ("2 of 2", lines[6], "NASA")]
    assert found[0]["caption"] == lines[5]


def test_page_without_photos_says_so(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Mission news</title></head><body><p>No pictures today.</p></body></html>")
    (rejection,) = list(read(page))
    assert isinstance(rejection, Rejection) and "no photo items found" in rejection.reason


def test_records_carry_page_provenance_and_stable_ids(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    source = PAGES / "lroc_157_apollo-landing-sites.htm"
    first = ingest(archive, [source], options={"no_vectors": True})
    again = ingest(archive, [source], options={"no_vectors": True})
    assert first.added == 10 and again.unchanged == 10
    record = to_record(next(e for e in read(source) if isinstance(e, RawItem)))
    assert record.id.startswith("page-") and record.credit == "NASA/GSFC/Arizona State University"
    assert record.raw["page"]["title"] and record.provenance[0].extra["item"] == 1


def test_a_ten_megabyte_page_is_read_in_seconds(tmp_path: Path) -> None:
    html = (PAGES / "chandra_2024_timelapse_more.htm").read_text()
    head, _, rest = html.partition("<body")
    body = rest.partition(">")[2].rpartition("</body>")[0]
    big = tmp_path / "big.html"
    copies = 10_500_000 // len(body) + 1
    big.write_text(f"{head}<body>{body * copies}</body></html>")
    assert big.stat().st_size > 10_000_000
    started = time.perf_counter()
    found = items(big)
    assert time.perf_counter() - started < 30
    assert len(found) == 81  # repeated items are the same photos: found once


def test_pages_by_url_with_timeout_and_size_limit(tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    from click.testing import CliRunner

    from cupola.cli import cli
    from cupola.errors import SourceError
    from cupola.sources.pages import fetch_page

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(PAGES))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/lroc_157_apollo-landing-sites.htm"
        found = [e for e in fetch_page(url, timeout=5) if isinstance(e, RawItem)]
        assert len(found) == 10
        assert found[0].data["item"]["image"].startswith(f"http://127.0.0.1:{server.server_address[1]}/")
        assert found[0].provenance.file == url
        try:
            list(fetch_page(url, max_bytes=1000))
            raise AssertionError("the size limit did not apply")
        except SourceError as err:
            assert "larger than" in str(err) and url in str(err)
        result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "a"), "ingest-page", url, "--json"])
        assert result.exit_code == 0, result.output
        assert '"added": 10' in result.output
    finally:
        server.shutdown()
        thread.join(5)


def test_unreachable_url_is_one_clear_error() -> None:
    import socket

    from cupola.errors import SourceError
    from cupola.sources.pages import fetch_page

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/gallery.html"
    try:
        list(fetch_page(url, timeout=2))
        raise AssertionError("no error for an unreachable page")
    except SourceError as err:
        assert str(err).startswith(f"{url}: cannot fetch page") and "check the URL" in str(err)


def test_page_date_from_markup_or_the_top_of_the_text() -> None:
    (apod,) = [to_record(e) for e in read(PAGES / "apod_2017-06-15_red-sprites.html") if isinstance(e, RawItem)]
    assert (apod.taken_at, apod.taken_precision, apod.taken_source) == ("2017-06-15", "day", "page")
    assert apod.rights == "third_party"
    carousel = next(e for e in read(PAGES / "nasagov_image-article_collins-spacesuit-carousel.htm")
                    if isinstance(e, RawItem))
    assert carousel.data["page"]["date"].startswith("2024-02-12")
    assert carousel.data["page"]["url"].startswith("https://www.nasa.gov/image-article/collins-aerospace")


_HTML_BITS = st.sampled_from(["<figure>", "</figure>", "<figcaption>", "</figcaption>", "<img src='a.jpg'>",
                              "<p>", "</p>", "<span class='caption'>", "</span>", "Credit: NASA", "<br>",
                              "<a href='b.jpg' data-title='t' data-description='d'>", "</a>", "[NASA/JPL]",
                              "<script type='application/json'>{\"image\": \"c.jpg\", \"caption\": \"x y z\"}",
                              "</script>", "— Name (@handle) May 2, 2021", "3 of 10", "\n\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_HTML_BITS, st.text(max_size=40)), max_size=40))
def test_any_markup_or_text_is_read_without_error(parts: list[str]) -> None:
    from cupola.sources import _text_items
    from cupola.sources.pages import extract_html

    document = "".join(parts)
    _, html_items = extract_html(document, "page.html")
    _, text_items = _text_items.extract(document)
    for item in html_items + text_items:
        assert isinstance(item["caption"], str) and isinstance(item["credit"], str)


def test_embedded_posts_in_html_become_items(tmp_path: Path) -> None:
    # the standard embed markup, holding a post and its caption from the Crew-1 capture
    lines = [b for b in (FIXTURES / "text" / "crew-1-in-pictures.txt").read_text().split("\n\n") if b.strip()]
    at = next(i for i, b in enumerate(lines) if b.strip().startswith("— International Space Station"))
    caption, post, signature = lines[at - 2].strip(), lines[at - 1].strip(), lines[at].strip()
    page = tmp_path / "gallery.html"
    page.write_text(f"<html><body><article><p>{caption}</p><blockquote class='twitter-tweet'><p>{post}</p>"
                    f"{signature}</blockquote></article></body></html>")
    (item,) = items(page)
    assert item["layout"] == "social-post" and item["caption"] == " ".join(post.split())
    assert item["credit"] == "International Space Station (@Space_Station)"
    assert item["date"] == "November 16, 2020" and item["heading"] == caption


def test_html_slides_with_counters_and_credit_lines(tmp_path: Path) -> None:
    # numbered slides as galleries mark them up, with the Expedition 58 capture's own headings/captions
    lines = (FIXTURES / "text" / "expedition-58-in-pictures.txt").read_text().split("\n")
    slides = "".join(
        f"<div class='slide'><h2>{lines[i]}</h2><img src='slide{n}.jpg' width='800' height='533'>"
        f"<span class='counter'>{n} of 2</span><p>{lines[i + 1]}</p><p>Credit: NASA</p></div>"
        for n, i in ((1, 4), (2, 6)))
    page = tmp_path / "slides.html"
    page.write_text(f"<html><body><main>{slides}</main></body></html>")
    found = items(page)
    assert [(i["image"], i["heading"], i["caption"], i["credit"]) for i in found] == [
        ("slide1.jpg", lines[4], lines[5], "NASA"), ("slide2.jpg", lines[6], lines[7], "NASA")]
