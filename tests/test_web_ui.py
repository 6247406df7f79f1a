"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

A real server (uvicorn in a thread) serves the fixture archive on 127.0.0.1; requests to any other
host are aborted, so the tests never touch the network. Screenshots go to test-output/.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright
from test_api_common import HOSTILE_ID, build_archive

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `cupola serve` process on a free loopback port."""
    path = build_archive(tmp_path_factory.getbasetemp())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "cupola.cli", "--archive", str(path), "serve",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=ARGS, headless=True, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
               else route.abort())
    page.base = server
    yield page
    page.close()
    assert not errors, errors


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_search_facet_lightbox_and_keyboard(page):
    page.goto(page.base + "/")
    expect(page.locator("#grid .card").first).to_be_visible()
    everything = page.locator("#status").inner_text()
    page.fill("#q", "pluto")
    expect(page).to_have_url(re.compile(r"[?&]q=pluto"))
    expect(page.locator("#status")).not_to_have_text(everything)
    expect(page.locator("#grid .card-title").first).to_contain_text(re.compile("pluto", re.I))
    before = page.locator("#status").inner_text()
    facet = page.locator(".facet[data-facet=center]").first
    center = facet.get_attribute("data-value")
    count = facet.locator(".count").inner_text()
    facet.click()
    expect(page.locator("#active-filters .chip")).to_contain_text(f"Center: {center}")
    expect(page.locator("#status")).to_contain_text(f"{count} result")
    assert page.locator("#status").inner_text() != before
    assert query_of(page.url)["center"] == [center]
    shot(page, "search")
    first_title = page.locator("#grid .card .card-title").first.inner_text()
    page.locator("#grid .card:not(.stack) .card-link").first.click()
    dialog = page.locator("#lightbox")
    expect(dialog).to_have_attribute("open", "")
    expect(dialog.locator("h2")).to_have_text(first_title)
    expect(dialog.locator(".close")).to_be_focused()
    assert "open" in query_of(page.url)
    shot(page, "lightbox")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("h2")).not_to_have_text(first_title)
    page.keyboard.press("ArrowLeft")
    expect(dialog.locator("h2")).to_have_text(first_title)
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    expect(page).not_to_have_url(re.compile(r"[?&]open="))


def test_a_stack_shows_its_count_and_opens(page):
    page.goto(page.base + "/?q=apollo")
    stack = page.locator("#grid .card.stack").first
    expect(stack).to_be_visible()
    size = int(stack.locator(".badge").inner_text())
    assert size > 1
    stack.locator(".card-link").click()
    dialog = page.locator("#lightbox")
    expect(dialog.locator(".stack-strip button")).to_have_count(size)
    expect(dialog.locator(".stack-label")).to_contain_text(f"of {size}")
    shot(page, "stack")
    dialog.locator(".stack-strip button").first.click()
    expect(dialog.locator(".stack-label")).to_contain_text(f"1 of {size}")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator(".stack-label")).to_contain_text(f"2 of {size}")
    dialog.locator(".stack-strip button").nth(size - 1).click()
    expect(dialog.locator(".stack-label")).to_contain_text(f"{size} of {size}")


def test_hostile_caption_is_rendered_inert(page):
    page.goto(page.base + f"/?q=id:{HOSTILE_ID}")
    page.locator("#grid .card-link").first.click()
    caption = page.locator("#lightbox .caption")
    expect(caption).to_contain_text("<script>")
    expect(caption).to_contain_text("onerror")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#lightbox .caption script, #lightbox .caption img").count() == 0
    assert page.locator("[onerror]").count() == 0
    page.goto(page.base + f"/record/{HOSTILE_ID}")
    expect(page.locator(".record .caption")).to_contain_text("<script>")
    expect(page.locator("h1")).to_have_text("Hostile <b>caption</b> test")
    assert page.evaluate("window.__pwned") is None


def test_a_shared_url_restores_the_state(page):
    page.goto(page.base + "/?q=pluto&center=JPL&from=2000&to=2020")
    expect(page.locator("#grid .card").first).to_be_visible()
    target_id = page.locator("#grid .card-link").nth(1).get_attribute("data-id")
    target_title = page.locator("#grid .card-title").nth(1).inner_text()
    shared = page.base + f"/?q=pluto&center=JPL&from=2000&to=2020&open={target_id}"
    page.goto(shared)
    expect(page.locator("#q")).to_have_value("pluto")
    expect(page.locator("#active-filters")).to_contain_text("Center: JPL")
    expect(page.locator("#active-filters")).to_contain_text("Years 2000–2020")
    expect(page.locator("#from")).to_have_value("2000")
    expect(page.locator("#lightbox h2")).to_have_text(target_title)
    page.go_back()
    expect(page.locator("#lightbox")).not_to_have_attribute("open", "")


def test_record_page_shows_provenance_and_local_image(page):
    page.goto(page.base + "/record/PIA01142")
    expect(page.locator(".provenance tbody tr")).to_have_count(1)
    expect(page.locator(".provenance")).to_contain_text("photo")
    image = page.locator(".record-img")
    expect(image).to_have_attribute("alt", page.locator("h1").inner_text())
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 945 or image.evaluate("img => img.naturalWidth") > 0
    assert "/media/PIA01142/" in image.get_attribute("src")
    expect(page.locator(".similar h2")).to_have_text("More like this")
    shot(page, "record")


def test_missing_images_show_the_placeholder(page):
    page.goto(page.base + "/?q=pluto")
    expect(page.locator("#grid img.missing").first).to_be_attached()
    src = page.locator("#grid img.missing").first.get_attribute("src")
    assert src.endswith("/placeholder.svg")


def test_timeline_and_mission_pages(page):
    page.goto(page.base + "/timeline?q=apollo")
    bars = page.locator(".timeline li")
    expect(bars.first).to_be_visible()
    assert bars.count() > 5
    shot(page, "timeline")
    bars.filter(has_text="1969").locator("a").click()
    expect(page.locator("#active-filters")).to_contain_text("Year: 1969")
    page.goto(page.base + "/mission/Apollo 11")
    expect(page.locator("h1")).to_contain_text("Apollo 11")
    expect(page.locator("main .card").first).to_be_visible()
    shot(page, "mission")
    page.goto(page.base + "/gallery/")
    expect(page.locator("h1")).to_have_text("Galleries")
    links = page.locator(".gallery-list a")
    expect(links.first).to_be_visible()
    links.first.click()
    expect(page.locator("main .card").first).to_be_visible()


def test_first_results_are_painted_quickly_and_controls_are_labelled(page):
    timings = []
    page.goto(page.base + "/?q=warm")  # the first navigation of a fresh browser also pays its start-up
    expect(page.locator("body")).to_have_attribute("data-first-results-ms", re.compile(r"^\d+$"))
    for query in ("apollo", "pluto", "saucer", "moon", "launch"):  # best of five: the machine is shared and busy
        page.goto(page.base + f"/?q={query}")
        expect(page.locator("body")).to_have_attribute("data-first-results-ms", re.compile(r"^\d+$"))
        timings.append(int(page.evaluate("document.body.dataset.firstResultsMs")))
    assert min(timings) < 300, f"first results painted after {timings} ms"
    for image in page.locator("#grid img").all()[:20]:
        assert image.get_attribute("alt")
    assert page.locator("label[for=q]").count() == 1
    assert page.locator("label[for=from]").count() == 1 and page.locator("label[for=to]").count() == 1


def test_entities_in_the_lightbox_link_to_their_facet(page):
    record_id = "Buzz Aldrin on the Meaning of Apollo 11"
    page.goto(page.base + "/?" + urlencode({"q": "aldrin", "open": record_id}))
    dialog = page.locator("#lightbox")
    expect(dialog.locator("h2")).to_have_text(record_id)
    link = dialog.locator("a.entity.person", has_text="Buzz Aldrin")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#active-filters")).to_contain_text("Person: Buzz Aldrin")
    expect(page.locator(f'#grid .card-link[data-id="{record_id}"]')).to_be_visible()
    expect(page.locator('.facet[data-facet="person"][data-value="Buzz Aldrin"]')).to_have_attribute("aria-pressed", "true")


def test_api_docs_page_lists_the_routes_offline(page):
    page.goto(page.base + "/docs")
    expect(page.locator("#ops h2").first).to_be_visible()
    expect(page.locator("#ops")).to_contain_text("GET /search")
    expect(page.locator("#ops")).to_contain_text("POST /api/v1/analyze")
    shot(page, "docs")
