// Tiny DOM helpers. Untrusted text (titles, captions, credits) only ever goes in through
// textContent or attribute values, never through innerHTML, so captions render inert.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export const PLACEHOLDER = "/placeholder.svg";

// An <img> that falls back to the neutral placeholder when the picture cannot be loaded.
export function picture(src, alt, className = "") {
  const img = el("img", { src: src || PLACEHOLDER, alt: alt || "", loading: "lazy", decoding: "async",
    class: className, referrerpolicy: "no-referrer" });
  img.addEventListener("error", () => {
    if (!img.src.endsWith(PLACEHOLDER)) { img.src = PLACEHOLDER; img.classList.add("missing"); }
  });
  return img;
}

export function formatDate(value, precision) {
  if (!value) return "date unknown";
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const [y, m, d] = value.split("-");
  if (precision === "year" || !m) return y;
  if (precision === "month" || !d) return `${months[Number(m) - 1] || m} ${y}`;
  return `${Number(d)} ${months[Number(m) - 1] || m} ${y}`;
}
