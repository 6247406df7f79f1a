// The lightbox: a modal <dialog> with the picture, caption, credit, date and recognised entities
// (each a link to its facet). Left/Right move through the results, Esc closes.
// A stack (a duplicate or series cluster) opens the same way, moving through its members.

import * as api from "./api.js";
import { clear, el, formatDate, picture } from "./dom.js";
import { facetHref } from "./state.js";

const ENTITY_FACET = { person: "person", organization: "organization", mission: "mission",
  vehicle: "vehicle", place: "place" };
let items = [];
let position = 0;
let onChange = () => {};
let opener = null;

function dialog() { return document.getElementById("lightbox"); }

export function openLightbox(hits, id, changed) {
  items = hits.slice();
  position = Math.max(0, items.findIndex((hit) => hit.id === id));
  onChange = changed || (() => {});
  if (!items.length) return;
  if (items[position].id !== id) { items = [{ id }]; position = 0; }
  show(null);
}

export async function openStack(hit, changed) {
  onChange = changed || (() => {});
  let members = [];
  try {
    const body = await api.cluster(hit.cluster.id);
    members = body.members.map((m) => ({ id: m.id, title: m.title, preview: m.preview, taken_at: m.taken_at }));
  } catch (error) {
    members = [];
  }
  if (!members.length) members = [hit];
  const first = members.findIndex((m) => m.id === hit.id);
  if (first >= 0) members[first] = { ...hit, ...members[first], ...hit };
  items = members;
  position = Math.max(0, first);
  show(`Stack of ${members.length}`);
}

async function show(stackLabel) {
  const box = dialog();
  if (!box.open) { opener = document.activeElement; box.showModal(); }
  if (stackLabel !== undefined) box.dataset.stack = stackLabel || "";
  let item = items[position];
  if (item.caption === undefined) {
    try { item = items[position] = { ...item, ...(await api.record(item.id)).record }; } catch (error) { /* keep */ }
  }
  render(box, item);
  onChange(item.id);
}

function entityLinks(item) {
  const links = [];
  for (const entity of item.entities || []) {
    const facet = ENTITY_FACET[entity.kind];
    if (!facet || !entity.name) continue;
    if (links.some((l) => l.dataset.kind === entity.kind && l.dataset.name === entity.name)) continue;
    links.push(el("a", { class: `entity ${entity.kind}`, href: facetHref(facet, entity.name),
      dataset: { kind: entity.kind, name: entity.name }, title: `${entity.kind}: ${entity.name}` }, entity.name));
  }
  if (item.event && item.event.type) {
    links.push(el("a", { class: "entity event", href: facetHref("event", item.event.type),
      dataset: { kind: "event", name: item.event.type } }, item.event.type.replace(/_/g, " ")));
  }
  return links;
}

function render(box, item) {
  const title = item.title || item.id;
  const credit = item.credit || item.photographer || item.secondary_creator || "";
  const body = clear(box.querySelector(".lightbox-body"));
  box.setAttribute("aria-label", title);
  const strip = box.dataset.stack ? el("ol", { class: "stack-strip", "aria-label": box.dataset.stack },
    items.map((member, i) => el("li", {}, el("button", { type: "button", class: i === position ? "on" : "",
      "aria-label": `Show ${member.title || member.id}`, "aria-current": i === position ? "true" : null,
      onclick: () => { position = i; show(); } }, picture(member.preview, member.title || member.id))))) : null;
  body.append(
    el("figure", { class: "lightbox-figure" }, picture(item.preview || bestFile(item), title, "lightbox-img")),
    el("div", { class: "lightbox-text" },
      el("h2", { id: "lightbox-title" }, title),
      el("p", { class: "meta" },
        el("time", { datetime: item.taken_at || "" }, formatDate(item.taken_at, item.taken_precision)),
        credit ? el("span", { class: "credit" }, ` · Credit: ${credit}`) : null,
        item.center ? el("span", {}, ` · ${item.center}`) : null),
      box.dataset.stack ? el("p", { class: "stack-label" }, `${box.dataset.stack} — ${position + 1} of ${items.length}`) : null,
      el("p", { class: "caption" }, item.caption || ""),
      el("p", { class: "entities" }, entityLinks(item)),
      el("p", {}, el("a", { href: `/record/${encodeURIComponent(item.id)}`, class: "record-link" },
        "Record page, provenance and more like this →"))));
  if (strip) body.append(strip);
  box.querySelector(".prev").disabled = position === 0;
  box.querySelector(".next").disabled = position >= items.length - 1;
  box.querySelector(".close").focus();
}

function bestFile(item) {
  return item.preview || (item.files || []).map((f) => f.url).find(Boolean) || "";
}

export function move(step) {
  const next = position + step;
  if (next < 0 || next >= items.length) return;
  position = next;
  show();
}

export function closeLightbox() {
  const box = dialog();
  if (box.open) box.close();
}

export function installLightbox() {
  const box = dialog();
  box.querySelector(".prev").addEventListener("click", () => move(-1));
  box.querySelector(".next").addEventListener("click", () => move(1));
  box.querySelector(".close").addEventListener("click", closeLightbox);
  box.addEventListener("click", (event) => { if (event.target === box) closeLightbox(); });
  box.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") { event.preventDefault(); move(1); }
    if (event.key === "ArrowLeft") { event.preventDefault(); move(-1); }
  });
  box.addEventListener("close", () => {
    delete box.dataset.stack;
    onChange("");
    if (opener && document.contains(opener)) opener.focus();
  });
}
