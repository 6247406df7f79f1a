// The native API, one fetch per call; a newer search aborts the older one.

let searchController = null;

async function getJSON(url, signal) {
  const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
  if (!response.ok || body.ok === false) {
    const error = new Error(body.error || body.reason || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

export function search(query, { page = 1, limit = 40, facets = true, mode = "auto" } = {}) {
  if (searchController) searchController.abort();
  searchController = new AbortController();
  const params = new URLSearchParams({ q: query, page: String(page), limit: String(limit),
    facets: String(facets), mode });
  return getJSON(`/api/v1/search?${params}`, searchController.signal);
}

export const record = (id) => getJSON(`/api/v1/records/${encodeURIComponent(id)}`);
export const similar = (id) => getJSON(`/api/v1/records/${encodeURIComponent(id)}/similar?limit=12`);
export const cluster = (id) => getJSON(`/api/v1/clusters/${encodeURIComponent(id)}`);
export const galleries = () => getJSON("/api/v1/galleries");
export const gallery = (name) => getJSON(`/api/v1/galleries/${encodeURIComponent(name)}`);
export const plainSearch = (query, limit = 60) => getJSON(
  `/api/v1/search?${new URLSearchParams({ q: query, limit: String(limit) })}`);
