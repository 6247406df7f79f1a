// Cupola web UI entry point: routes by path, keeps state in the URL, wires the search box and keys.

import { installLightbox } from "./lightbox.js";
import { mountGallery, mountMission, mountTimeline } from "./pages.js";
import { mountRecord } from "./record.js";
import { mountSearch, navigate } from "./search.js";
import { readState } from "./state.js";

const main = document.getElementById("main");

function route() {
  const path = decodeURIComponent(location.pathname);
  const match = (prefix) => (path.startsWith(prefix) ? path.slice(prefix.length) : null);
  let rest;
  if ((rest = match("/record/")) !== null) return mountRecord(main, rest);
  if ((rest = match("/mission/")) !== null) return mountMission(main, rest);
  if ((rest = match("/gallery/")) !== null) return mountGallery(main, rest);
  if (path === "/timeline") return mountTimeline(main);
  return mountSearch(main);
}

let typing = null;
const input = document.getElementById("q");
document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  if (location.pathname === "/timeline") {
    history.pushState(null, "", `/timeline?q=${encodeURIComponent(input.value)}`);
    route();
    return;
  }
  const state = { ...readState(location.pathname === "/" ? location.search : ""), q: input.value, page: 1, open: "" };
  if (location.pathname !== "/") { history.pushState(null, "", "/"); mountSearch(main); }
  navigate(state, { push: true });
});
input.addEventListener("input", () => {
  if (location.pathname !== "/") return;
  clearTimeout(typing);
  typing = setTimeout(() => navigate({ ...readState(), q: input.value, page: 1, open: "" }, { push: false }), 120);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "/" && document.activeElement !== input && !document.getElementById("lightbox").open) {
    event.preventDefault();
    input.focus();
  }
});
window.addEventListener("popstate", route);
installLightbox();
route();
