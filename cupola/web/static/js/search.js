// The search page: instant results, facet sidebar with counts, year range, grid with stacks, pager.

import * as api from "./api.js";
import { clear, el, formatDate, picture } from "./dom.js";
import { openLightbox, openStack } from "./lightbox.js";
import { FACETS, hasFilter, queryOf, readState, stateURL, toggleFilter } from "./state.js";

const LIMIT = 40;
let current = { state: readState(), hits: [] };

export function mountSearch(main) {
  const state = readState();
  const input = document.getElementById("q");
  input.value = state.q;
  clear(main).append(
    el("div", { class: "layout" },
      el("aside", { id: "facets", class: "facets", "aria-label": "Filters" }),
      el("section", { class: "results", "aria-label": "Results" },
        el("p", { id: "status", class: "status", role: "status", "aria-live": "polite" }),
        el("ul", { id: "active-filters", class: "chips", "aria-label": "Active filters" }),
        el("ul", { id: "grid", class: "grid" }),
        el("nav", { id: "pager", class: "pager", "aria-label": "Pages" }))));
  run(state, false);
}

export function navigate(state, { push = true } = {}) {
  const url = stateURL(state);
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  run(state, true);
}

async function run(state, keepFacets) {
  const status = document.getElementById("status");
  if (!status) return;
  if (!keepFacets) status.textContent = "Searching…";
  // Instant results from the keyword index first; the ranking by meaning (hybrid, when the archive
  // has vectors) follows and replaces the grid if it differs, unless the person has opened a photo.
  let body;
  try {
    body = await api.search(queryOf(state), { page: state.page, limit: LIMIT, mode: "keyword" });
  } catch (error) {
    if (error.name === "AbortError") return;
    status.textContent = `Search failed: ${error.message}`;
    return;
  }
  current = { state, hits: body.hits };
  renderStatus(status, body);
  renderActive(state);
  renderGrid(body.hits);
  // Time from navigation start to the first painted results (read by the browser tests).
  if (!document.body.dataset.firstResultsMs) {
    requestAnimationFrame(() => { document.body.dataset.firstResultsMs = String(Math.round(performance.now())); });
  }
  renderFacets(state, body.facets || {});
  renderPager(state, body.total);
  if (state.open) openLightbox(current.hits, state.open, onLightboxChange);
  if (state.q.trim()) refine(state, body);
}

async function refine(state, first) {
  let body;
  try {
    body = await api.search(queryOf(state), { page: state.page, limit: LIMIT, facets: false, mode: "auto" });
  } catch (error) {
    return; // aborted by a newer search, or no semantic ranking: the keyword results stay
  }
  const same = body.hits.map((h) => h.id).join("\n") === first.hits.map((h) => h.id).join("\n");
  if (body.mode === "keyword" || same || document.getElementById("lightbox").open) return;
  current = { state, hits: body.hits };
  renderStatus(document.getElementById("status"), { ...body, total: Math.max(body.total, first.total) });
  document.getElementById("status").dataset.mode = body.mode;
  renderGrid(body.hits);
  renderPager(state, Math.max(body.total, first.total));
}

function renderStatus(status, body) {
  const shown = body.total === 1 ? "1 result" : `${body.total.toLocaleString("en")} results`;
  const notes = (body.notes || []).join("; ");
  status.textContent = `${shown}${notes ? ` — ${notes}` : ""}`;
  status.dataset.took = String(body.took_ms);
}

function renderActive(state) {
  const list = clear(document.getElementById("active-filters"));
  for (const [key, value] of state.filters) {
    const label = FACETS.find(([k]) => k === key)[1];
    list.append(el("li", {}, el("button", { type: "button", class: "chip", "aria-label": `Remove filter ${label}: ${value}`,
      onclick: () => navigate(toggleFilter(state, key, value)) }, `${label}: ${value} ✕`)));
  }
  if (state.from || state.to) {
    list.append(el("li", {}, el("button", { type: "button", class: "chip", "aria-label": "Remove year range",
      onclick: () => navigate({ ...state, from: "", to: "", page: 1 }) },
      `Years ${state.from || "…"}–${state.to || "…"} ✕`)));
  }
}

function card(hit, index) {
  const size = hit.cluster && hit.cluster.size > 1 ? hit.cluster.size : 0;
  const title = hit.title || hit.id;
  const open = (event) => {
    event.preventDefault();
    if (size) openStack(hit, onLightboxChange);
    else openLightbox(current.hits, hit.id, onLightboxChange);
  };
  return el("li", { class: size ? "card stack" : "card" },
    el("a", { href: `/record/${encodeURIComponent(hit.id)}`, class: "card-link", onclick: open,
      dataset: { id: hit.id, index: String(index) },
      "aria-label": size ? `${title} — stack of ${size} photos` : title },
      el("span", { class: "thumb" }, picture(hit.preview, title),
        size ? el("span", { class: "badge", "aria-hidden": "true" }, `${size}`) : null),
      el("span", { class: "card-title" }, title),
      el("span", { class: "card-date" }, formatDate(hit.taken_at, hit.taken_precision))));
}

function renderGrid(hits) {
  const grid = clear(document.getElementById("grid"));
  if (!hits.length) {
    grid.append(el("li", { class: "empty" }, "Nothing matches. Try fewer words or remove a filter."));
    return;
  }
  hits.forEach((hit, index) => grid.append(card(hit, index)));
}

function renderFacets(state, facets) {
  const aside = clear(document.getElementById("facets"));
  aside.append(yearRange(state));
  for (const [key, label] of FACETS) {
    const counts = facets[key] || {};
    let entries = Object.entries(counts);
    if (key === "year") entries = entries.sort((a, b) => b[1] - a[1]);
    entries = entries.slice(0, 12);
    if (!entries.length) continue;
    const list = el("ul", { class: "facet-values" });
    for (const [value, count] of entries) {
      const on = hasFilter(state, key, value);
      list.append(el("li", {}, el("button", { type: "button", class: on ? "facet on" : "facet",
        "aria-pressed": on ? "true" : "false", dataset: { facet: key, value },
        onclick: () => navigate(toggleFilter(state, key, value)) },
        el("span", { class: "facet-name" }, key === "event" ? value.replace(/_/g, " ") : value), el("span", { class: "count" }, count.toLocaleString("en")))));
    }
    aside.append(el("section", { class: "facet-group", "aria-label": label }, el("h2", {}, label), list));
  }
}

function yearRange(state) {
  const from = el("input", { id: "from", name: "from", type: "number", min: "1900", max: "2100",
    inputmode: "numeric", placeholder: "from", value: state.from });
  const to = el("input", { id: "to", name: "to", type: "number", min: "1900", max: "2100",
    inputmode: "numeric", placeholder: "to", value: state.to });
  const form = el("form", { class: "range", "aria-label": "Year range",
    onsubmit: (event) => {
      event.preventDefault();
      navigate({ ...state, from: from.value.trim(), to: to.value.trim(), page: 1, open: "" });
    } },
    el("h2", {}, "Years"),
    el("label", { for: "from", class: "sr-only" }, "From year"), from,
    el("span", { "aria-hidden": "true" }, "–"),
    el("label", { for: "to", class: "sr-only" }, "To year"), to,
    el("button", { type: "submit" }, "Apply"));
  return form;
}

function renderPager(state, total) {
  const pager = clear(document.getElementById("pager"));
  const pages = Math.min(Math.ceil(total / LIMIT), Math.floor(10000 / LIMIT));
  if (pages <= 1) return;
  const go = (page) => () => { navigate({ ...state, page, open: "" }); window.scrollTo(0, 0); };
  if (state.page > 1) pager.append(el("button", { type: "button", onclick: go(state.page - 1) }, "← Previous"));
  pager.append(el("span", {}, `Page ${state.page} of ${pages}`));
  if (state.page < pages) pager.append(el("button", { type: "button", onclick: go(state.page + 1) }, "Next →"));
}

// The lightbox reports which record is open so the URL (and so a shared link) follows it.
function onLightboxChange(id) {
  const state = { ...readState(), open: id || "" };
  history.replaceState(null, "", stateURL(state));
}
