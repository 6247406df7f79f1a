// The record page: the picture, every field, entities, provenance (every copy seen) and more like this.

import * as api from "./api.js";
import { clear, el, formatDate, picture } from "./dom.js";
import { facetHref } from "./state.js";

const FIELDS = [["id", "Id"], ["center", "Center"], ["credit", "Credit"], ["photographer", "Photographer"],
  ["secondary_creator", "Secondary creator"], ["location_text", "Location"], ["media_type", "Media type"],
  ["source", "Source"], ["rights", "Rights"]];

export async function mountRecord(main, id) {
  clear(main).append(el("p", { class: "status", role: "status" }, "Loading…"));
  let record;
  try {
    record = (await api.record(id)).record;
  } catch (error) {
    clear(main).append(el("h1", {}, "Not found"), el("p", {}, error.message),
      el("p", {}, el("a", { href: "/" }, "← Back to search")));
    return;
  }
  document.title = `${record.title || record.id} — Cupola`;
  const facts = el("dl", { class: "facts" });
  facts.append(el("dt", {}, "Date"), el("dd", {}, formatDate(record.taken_at, record.taken_precision),
    record.taken_source ? ` (from ${record.taken_source})` : ""));
  for (const [name, label] of FIELDS) {
    if (record[name]) facts.append(el("dt", {}, label), el("dd", {}, record[name]));
  }
  if (record.cluster && record.cluster.size > 1) {
    facts.append(el("dt", {}, "Cluster"), el("dd", {}, `${record.cluster.kind || "cluster"} of ${record.cluster.size} (${record.cluster.role || "member"})`));
  }
  const keywords = el("p", { class: "entities" }, (record.keywords || []).map((k) =>
    el("a", { class: "entity keyword", href: facetHref("keyword", k) }, k)));
  const entities = el("p", { class: "entities" }, (record.entities || []).filter((e) => e.name).map((e) =>
    el("a", { class: `entity ${e.kind}`, href: facetHref(e.kind, e.name), title: `${e.kind} (“${e.text || e.name}”)` },
      e.name)));
  const provenance = el("table", { class: "provenance" },
    el("caption", {}, `Provenance — ${record.provenance.length} cop${record.provenance.length === 1 ? "y" : "ies"} seen, ${record.versions} version${record.versions === 1 ? "" : "s"}`),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Source"), el("th", { scope: "col" }, "File"),
      el("th", { scope: "col" }, "Line"), el("th", { scope: "col" }, "Read at"))),
    el("tbody", {}, record.provenance.map((p) => el("tr", {}, el("td", {}, p.kind), el("td", { class: "file" }, p.file || ""),
      el("td", {}, p.line ?? (p.extra && p.extra.item) ?? ""), el("td", {}, p.fetched_at || "")))));
  const files = el("ul", { class: "files" }, (record.files || []).filter((f) => f.url).map((f) =>
    el("li", {}, el("a", { href: f.url, rel: "noopener noreferrer" }, f.role || "file"),
      f.width ? ` ${f.width}×${f.height}` : "")));
  const similar = el("section", { class: "similar", "aria-labelledby": "similar-title" },
    el("h2", { id: "similar-title" }, "More like this"), el("ul", { class: "grid small" }));
  clear(main).append(
    el("p", {}, el("a", { href: "/", class: "back" }, "← Search")),
    el("article", { class: "record" },
      el("figure", {}, picture(record.preview || (record.files[0] || {}).url, record.title || record.id, "record-img")),
      el("div", {},
        el("h1", {}, record.title || record.id),
        el("p", { class: "caption" }, record.caption || ""),
        entities, keywords, facts, files.childElementCount ? el("h2", {}, "Files") : null,
        files.childElementCount ? files : null)),
    provenance, similar);
  loadSimilar(similar, id, record);
}

async function loadSimilar(section, id, record) {
  const list = section.querySelector("ul");
  let hits = [];
  try {
    hits = (await api.similar(id)).hits;
  } catch (error) {
    // No embeddings in this build: fall back to records sharing the first keyword.
    if (record.keywords && record.keywords.length) {
      try {
        hits = (await api.plainSearch(`keyword:"${record.keywords[0].replace(/"/g, " ")}"`, 13)).hits;
      } catch (inner) { hits = []; }
    }
  }
  hits = hits.filter((h) => h.id !== id).slice(0, 12);
  if (!hits.length) { list.replaceWith(el("p", {}, "Nothing similar found.")); return; }
  for (const hit of hits) {
    list.append(el("li", { class: "card" }, el("a", { href: `/record/${encodeURIComponent(hit.id)}`, class: "card-link" },
      el("span", { class: "thumb" }, picture(hit.preview, hit.title || hit.id)),
      el("span", { class: "card-title" }, hit.title || hit.id))));
  }
}
