// How articles are named and dated on the page, and the API's offsets in JavaScript strings.

/** Maps the API's offsets (Python counts code points) to JavaScript string indices. */
export function codePointIndexer(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const units = [0];
  let unit = 0;
  for (const ch of text) {
    unit += ch.length;
    units.push(unit);
  }
  return (offset) => units[Math.max(0, Math.min(offset, units.length - 1))];
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone: "UTC" });

/** "26 December 2024" from "2024-12-26" (or the text as given); null when not stated. */
export function formatDate(published) {
  if (!published) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(published);
  if (!m) return published;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(date.getTime()) ? published : dateFormat.format(date);
}

/** The title of an article (a document, a citation), or a plain stand-in. */
export function titleOf(doc) {
  return doc.title || "Untitled article";
}

/** "Outlet · date" of an article, saying so when either is not stated. */
export function metaLine(doc) {
  return `${doc.source || "Outlet not stated"} · ${formatDate(doc.published) || "date not stated"}`;
}
