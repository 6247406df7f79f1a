"""The static site's stylesheet and script (kept as strings so they ship inside the Python package)."""

CSS = """
:root { --bg: #0b0d12; --card: #151922; --line: #262c38; --text: #e9eaee; --dim: #a3a9b6; --accent: #8ab4ff; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
header.top { padding: 40px 24px 16px; max-width: 1280px; margin: 0 auto; }
header.top h1 { font-size: clamp(28px, 4vw, 44px); margin: 0 0 8px; letter-spacing: -0.01em; }
header.top .facts { color: var(--dim); margin: 0; }
header.top .note { margin: 16px 0 0; padding: 12px 16px; border: 1px solid var(--line); border-radius: 8px; }
nav.phases { position: sticky; top: 0; z-index: 5; background: rgba(11, 13, 18, .92); backdrop-filter: blur(6px);
  border-bottom: 1px solid var(--line); }
nav.phases ol { list-style: none; display: flex; gap: 8px; overflow-x: auto; margin: 0 auto; padding: 10px 24px;
  max-width: 1280px; counter-reset: phase; }
nav.phases a { display: block; white-space: nowrap; padding: 4px 12px; border: 1px solid var(--line);
  border-radius: 999px; color: var(--text); text-decoration: none; font-size: 14px; }
nav.phases a:hover, nav.phases a:focus { border-color: var(--accent); }
main { max-width: 1280px; margin: 0 auto; padding: 8px 24px 48px; }
section.phase { padding-top: 24px; }
section.phase h2 { font-size: 22px; margin: 0 0 14px; display: flex; align-items: baseline; gap: 10px; }
section.phase h2 .count { color: var(--dim); font-size: 14px; font-weight: 400; }
.grid { display: grid; gap: 18px; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
figure.card { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  overflow: hidden; display: flex; flex-direction: column; }
figure.card a.open { display: block; aspect-ratio: 4 / 3; background: #05070a; position: relative; overflow: hidden; }
figure.card img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; display: block; }
figure.card a.open.broken::after { content: attr(data-alt); position: absolute; inset: 0; display: flex;
  align-items: center; justify-content: center; padding: 16px; text-align: center; color: var(--dim); font-size: 14px; }
figure.card a.open.broken img { visibility: hidden; }
figcaption { padding: 12px 14px 14px; display: flex; flex-direction: column; gap: 6px; flex: 1; }
figcaption h3 { font-size: 16px; line-height: 1.3; margin: 0; }
figcaption .caption { margin: 0; color: #cfd3dc; font-size: 14px; display: -webkit-box; -webkit-line-clamp: 4;
  -webkit-box-orient: vertical; overflow: hidden; }
figcaption .meta { margin: auto 0 0; color: var(--dim); font-size: 13px; }
figcaption .credit { color: var(--text); }
figcaption .meta a { color: var(--dim); }
.lightbox { position: fixed; inset: 0; z-index: 20; background: #030407; display: grid;
  grid-template-columns: 1fr minmax(260px, 360px); }
.lightbox[hidden] { display: none; }
.lightbox .stage { display: flex; align-items: center; justify-content: center; padding: 24px; min-height: 0; }
.lightbox .stage img { max-width: 100%; max-height: calc(100vh - 48px); object-fit: contain; }
.lightbox .text { padding: 56px 24px 24px; overflow-y: auto; border-left: 1px solid var(--line); background: #0e1117; }
.lightbox .text h3 { margin: 0 0 10px; }
.lightbox .text p { margin: 0 0 12px; color: #d5d8df; }
.lightbox .text .meta { color: var(--dim); font-size: 14px; }
.lightbox button { position: absolute; background: rgba(255, 255, 255, .08); color: #fff; border: 1px solid var(--line);
  border-radius: 999px; width: 44px; height: 44px; font-size: 20px; cursor: pointer; }
.lightbox button:hover, .lightbox button:focus { background: rgba(255, 255, 255, .2); }
.lightbox .close { top: 10px; right: 10px; }
.lightbox .prev { left: 12px; top: 50%; }
.lightbox .next { right: 372px; top: 50%; }
footer { max-width: 1280px; margin: 0 auto; padding: 24px; color: var(--dim); font-size: 13px;
  border-top: 1px solid var(--line); }
@media (max-width: 760px) {
  header.top { padding: 24px 16px 12px; }
  main { padding: 8px 16px 32px; }
  .grid { grid-template-columns: 1fr; }
  .lightbox { grid-template-columns: 1fr; grid-template-rows: 60vh auto; overflow-y: auto; }
  .lightbox .text { border-left: 0; padding-top: 16px; }
  .lightbox .next { right: 12px; top: 30vh; }
  .lightbox .prev { top: 30vh; }
}
"""

JS = """
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("figure.card"));
  var box = document.getElementById("lightbox");
  var img = box.querySelector(".stage img");
  var heading = box.querySelector(".text h3");
  var caption = box.querySelector(".text .lb-caption");
  var meta = box.querySelector(".text .meta");
  var current = -1, opener = null;

  function text(card, selector) {
    var node = card.querySelector(selector);
    return node ? node.textContent : "";
  }
  function show(index) {
    if (!cards.length) { return; }
    current = (index + cards.length) % cards.length;
    var card = cards[current];
    var link = card.querySelector("a.open");
    img.src = link.getAttribute("href");
    img.alt = text(card, "h3");
    heading.textContent = text(card, "h3");
    caption.textContent = card.getAttribute("data-caption") || text(card, ".caption");
    meta.textContent = text(card, ".meta");
    box.hidden = false;
    document.body.style.overflow = "hidden";
    box.querySelector(".close").focus();
  }
  function hide() {
    box.hidden = true;
    img.removeAttribute("src");
    document.body.style.overflow = "";
    if (opener) { opener.focus(); }
  }
  cards.forEach(function (card, index) {
    var link = card.querySelector("a.open");
    var picture = link.querySelector("img");
    picture.addEventListener("error", function () { link.classList.add("broken"); });
    if (picture.complete && picture.naturalWidth === 0 && picture.getAttribute("src")) { link.classList.add("broken"); }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      opener = link;
      show(index);
    });
  });
  box.querySelector(".close").addEventListener("click", hide);
  box.querySelector(".prev").addEventListener("click", function () { show(current - 1); });
  box.querySelector(".next").addEventListener("click", function () { show(current + 1); });
  box.addEventListener("click", function (event) { if (event.target === box || event.target.classList.contains("stage")) { hide(); } });
  document.addEventListener("keydown", function (event) {
    if (box.hidden) { return; }
    if (event.key === "Escape") { hide(); }
    else if (event.key === "ArrowLeft") { show(current - 1); }
    else if (event.key === "ArrowRight") { show(current + 1); }
  });
})();
"""
