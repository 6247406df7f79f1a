// A self-contained API reference rendered from /openapi.json (works offline; no CDN).

import { el } from "./dom.js";

const spec = await (await fetch("/openapi.json")).json();
const root = document.getElementById("ops");
root.append(el("p", { class: "caption" }, spec.info.description || ""));
for (const [path, operations] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(operations)) {
    const params = (op.parameters || []).map((p) => el("li", {}, el("code", {}, p.name), ` (${p.in}${p.required ? ", required" : ""})`,
      p.description ? ` — ${p.description}` : ""));
    root.append(el("section", { class: "op" },
      el("h2", {}, el("code", {}, `${method.toUpperCase()} ${path}`)),
      el("p", {}, op.summary || ""), op.description ? el("p", { class: "lede" }, op.description) : null,
      params.length ? el("ul", {}, params) : null));
  }
}
