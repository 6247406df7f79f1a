"""The HTML export in a real headless Chromium, from a file:// URL: layout, lightbox, credits, escaping.

Screenshots go to test-output/ (look at them). The machine is offline, so requests for the remote
images.nasa.gov renditions are answered with real NASA photos from tests/fixtures/galleries/images.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fixtures.galleries.archive import IMAGES, open_archive

from cupola.galleries import load_gallery, mission_gallery, save_gallery
from cupola.galleries.export import write_html

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parent.parent / "test-output"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")), executable_path="/usr/bin/chromium", args=ARGS,
            headless=True, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


def _serve_photos(route):
    n = int(hashlib.md5(route.request.url.encode()).hexdigest(), 16) % len(IMAGES)
    route.fulfill(status=200, content_type="image/jpeg", body=IMAGES[n].read_bytes())


def _open(browser, index: Path, width: int = 1280):
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.route("http*://**/*", _serve_photos)
    page.goto(index.as_uri())
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.fixture(scope="module")
def apollo11_site(tmp_path_factory):
    archive = open_archive()
    gallery = mission_gallery(archive, "Apollo 11", max_items=30)
    archive.close()
    return gallery, write_html(gallery, tmp_path_factory.mktemp("site") / "apollo11")


def test_gallery_page_lightbox_and_credits(browser, apollo11_site):
    gallery, index = apollo11_site
    OUT.mkdir(exist_ok=True)
    page, problems = _open(browser, index)
    assert page.title() == "Apollo 11 in pictures"
    assert page.locator("section.phase h2").count() == len(gallery.phases)
    cards = page.locator("figure.card")
    assert cards.count() == 30
    assert page.locator("figure.card .credit").count() == 30
    assert page.locator("figure.card .credit").first.is_visible()
    loaded = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
    assert loaded >= 8  # the first screenful (lazy loading leaves the rest)
    page.screenshot(path=str(OUT / "galleries-apollo11.png"))
    page.screenshot(path=str(OUT / "galleries-apollo11-full.png"), full_page=True)

    third = gallery.items[2]
    cards.nth(2).locator("a.open").click()
    box = page.locator("#lightbox")
    assert box.is_visible()
    assert box.locator("h3").inner_text() == third.heading
    assert third.credit in box.locator(".meta").inner_text()
    page.screenshot(path=str(OUT / "galleries-apollo11-lightbox.png"))
    page.keyboard.press("ArrowRight")
    assert box.locator("h3").inner_text() == gallery.items[3].heading
    page.keyboard.press("Escape")
    assert not box.is_visible()
    assert problems == []


def test_gallery_is_usable_on_a_phone(browser, apollo11_site):
    _gallery, index = apollo11_site
    page, problems = _open(browser, index, width=390)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    widths = page.evaluate("Array.from(document.querySelectorAll('figure.card')).slice(0, 3)"
                           ".map(c => c.getBoundingClientRect().width)")
    assert all(w > 300 for w in widths)  # one column filling the screen
    page.screenshot(path=str(OUT / "galleries-apollo11-phone.png"))
    assert problems == []


def test_hostile_captions_stay_text(browser, tmp_path):
    archive = open_archive()
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    save_gallery(archive, "Escaping", [{"id": "S69-39957", "heading": hostile, "caption": hostile}], slug="escaping")
    gallery = load_gallery(archive, "escaping")
    archive.close()
    page, problems = _open(browser, write_html(gallery, tmp_path / "site"))
    assert page.locator("figure.card h3").inner_text() == hostile
    page.locator("figure.card a.open").click()
    assert page.locator("#lightbox .lb-caption").inner_text() == hostile
    assert problems == []
