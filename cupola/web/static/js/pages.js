// Mission and gallery pages (galleries from the galleries stage when present, else grouped search
// results) and the timeline (result counts per year; a bar opens that year).

import * as api from "./api.js";
import { clear, el, formatDate, picture } from "./dom.js";
import { facetHref, stateURL } from "./state.js";

function tile(item) {
  const id = item.id || item.record_id || item.nasa_id;
  const title = item.heading || item.title || id;
  const src = item.preview || item.thumbnail || `/media/${encodeURIComponent(id)}/preview`;
  return el("li", { class: "card" }, el("a", { href: `/record/${encodeURIComponent(id)}`, class: "card-link",
    title: item.credit ? `Credit: ${item.credit}` : null },
    el("span", { class: "thumb" }, picture(src, title)),
    el("span", { class: "card-title" }, title),
    el("span", { class: "card-date" }, formatDate(item.taken_at, item.taken_precision))));
}

function renderGallery(main, gallery) {
  const phases = gallery.phases || gallery.sections || [];
  main.append(el("h1", {}, gallery.title || gallery.name || "Gallery"));
  if (gallery.description) main.append(el("p", { class: "lede" }, gallery.description));
  for (const note of gallery.notes || []) main.append(el("p", { class: "lede" }, note));
  for (const phase of phases) {
    const photos = phase.photos || phase.items || phase.records || [];
    main.append(el("section", { class: "phase" }, el("h2", {}, phase.title || phase.name || phase.phase || ""),
      el("ul", { class: "grid" }, photos.map(tile))));
  }
  if (!phases.length && gallery.photos) main.append(el("ul", { class: "grid" }, gallery.photos.map(tile)));
}

async function groupedByEvent(main, filter, title) {
  main.append(el("h1", {}, title));
  const body = await api.plainSearch(filter, 200);
  if (!body.hits.length) { main.append(el("p", {}, "No photos found.")); return; }
  main.append(el("p", { class: "lede" }, `${body.total.toLocaleString("en")} photos — `,
    el("a", { href: stateURL({ q: filter, filters: [], from: "", to: "", page: 1, open: "" }) }, "open in search")));
  const groups = new Map();
  for (const hit of body.hits) {
    const key = (hit.event && hit.event.type) || "other";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(hit);
  }
  for (const [key, hits] of groups) {
    main.append(el("section", { class: "phase" }, el("h2", {}, key), el("ul", { class: "grid" }, hits.slice(0, 24).map(tile))));
  }
}

export async function mountMission(main, name) {
  clear(main).append(el("p", {}, el("a", { href: "/", class: "back" }, "← Search")));
  document.title = `${name} — Cupola`;
  try {
    renderGallery(main, (await api.gallery(name)).gallery);
  } catch (error) {
    await groupedByEvent(main, `mission:"${name.replace(/"/g, " ")}"`, name);
  }
}

async function galleryList(main) {
  main.append(el("h1", {}, "Galleries"));
  let galleries = [];
  try { galleries = (await api.galleries()).galleries; } catch (error) { galleries = []; }
  if (!galleries.length) { main.append(el("p", {}, "No galleries in this archive yet.")); return; }
  main.append(el("ul", { class: "gallery-list" }, galleries.map((g) => el("li", {},
    el("a", { href: `/${g.kind === "mission" ? "mission" : "gallery"}/${encodeURIComponent(g.name)}` }, g.name),
    ` — ${g.kind}, ${g.photos} photos${g.start ? `, ${g.start}${g.end && g.end !== g.start ? ` to ${g.end}` : ""}` : ""}`))));
}

export async function mountGallery(main, name) {
  clear(main).append(el("p", {}, el("a", { href: "/", class: "back" }, "← Search")));
  if (!name) { document.title = "Galleries — Cupola"; await galleryList(main); return; }
  document.title = `${name} — Cupola`;
  try {
    renderGallery(main, (await api.gallery(name)).gallery);
  } catch (error) {
    await groupedByEvent(main, `"${name.replace(/"/g, " ")}"`, name);
  }
}

export async function mountTimeline(main) {
  const q = new URLSearchParams(location.search).get("q") || "";
  document.getElementById("q").value = q;
  clear(main).append(el("p", {}, el("a", { href: "/", class: "back" }, "← Search")),
    el("h1", {}, q ? `Timeline: ${q}` : "Timeline"));
  const body = await api.plainSearch(q, 1);
  const years = Object.entries(body.facets.year || {}).map(([y, n]) => [Number(y), n]).sort((a, b) => a[0] - b[0]);
  if (!years.length) { main.append(el("p", {}, "No dated photos.")); return; }
  const most = Math.max(...years.map(([, n]) => n));
  const list = el("ol", { class: "timeline", "aria-label": "Photos per year" });
  for (const [year, count] of years) {
    const href = stateURL({ q, filters: [["year", String(year)]], from: "", to: "", page: 1, open: "" });
    list.append(el("li", {}, el("a", { href, title: `${year}: ${count} photos`, "aria-label": `${year}: ${count} photos` },
      el("span", { class: "bar", style: null, dataset: { h: String(Math.max(2, Math.round((count / most) * 100))) } }),
      el("span", { class: "year" }, String(year)))));
  }
  main.append(list);
  for (const bar of list.querySelectorAll(".bar")) bar.style.height = `${bar.dataset.h}%`;
  main.append(el("p", {}, el("a", { href: facetHref("media_type", "image") }, "Browse all images")));
}
