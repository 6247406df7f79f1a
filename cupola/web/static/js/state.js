// The page state lives in the URL (so every view can be shared by copying the address):
//   /?q=words&center=KSC&mission=Apollo+11&from=1969&to=1972&page=2&open=<record id>
// Facet filters become query-language filters when the search is sent.

export const FACETS = [
  ["center", "Center", "center"], ["media_type", "Media type", "type"], ["year", "Year", "year"],
  ["mission", "Mission", "mission"], ["person", "Person", "person"], ["vehicle", "Vehicle", "vehicle"],
  ["event", "Event", "event"], ["place", "Place", "place"], ["organization", "Organisation", "org"],
  ["keyword", "Keyword", "keyword"],
];
const FILTER_KEYS = FACETS.map(([key]) => key);

export function readState(search = location.search) {
  const params = new URLSearchParams(search);
  const filters = [];
  for (const key of FILTER_KEYS) for (const value of params.getAll(key)) if (value) filters.push([key, value]);
  return {
    q: params.get("q") || "",
    filters,
    from: params.get("from") || "",
    to: params.get("to") || "",
    page: Math.max(1, Number(params.get("page")) || 1),
    open: params.get("open") || "",
  };
}

export function stateURL(state, path = "/") {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [key, value] of state.filters) params.append(key, value);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.open) params.set("open", state.open);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function quoted(value) {
  return /[\s:"]/.test(value) ? `"${value.replace(/"/g, " ")}"` : value;
}

// The query-language string for the API: the typed words plus one filter per facet choice.
export function queryOf(state) {
  const parts = [state.q.trim()];
  for (const [key, value] of state.filters) {
    const facet = FACETS.find(([k]) => k === key);
    parts.push(`${facet[2]}:${quoted(value)}`);
  }
  if (state.from || state.to) parts.push(`year:${state.from || ""}..${state.to || ""}`);
  return parts.filter(Boolean).join(" ");
}

export function hasFilter(state, key, value) {
  return state.filters.some(([k, v]) => k === key && v === value);
}

export function toggleFilter(state, key, value) {
  const filters = hasFilter(state, key, value)
    ? state.filters.filter(([k, v]) => !(k === key && v === value))
    : [...state.filters, [key, value]];
  return { ...state, filters, page: 1, open: "" };
}

// A link that shows everything with one facet value (used by entity links in the lightbox).
export function facetHref(key, value) {
  return stateURL({ q: "", filters: [[key, value]], from: "", to: "", page: 1, open: "" });
}
