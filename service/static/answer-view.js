// A finished answer as the page shows it: the text with a button for each [n] citation,
// unsupported sentences marked, a refusal or a degraded answer said plainly, the sides of a
// disagreement between sources, and the list of sources.

import { el } from "./dom.js";
import { codePointIndexer, metaLine, titleOf } from "./format.js";

/**
 * The nodes of a final answer (the `done` event of /v1/ask). `openSource(citation, button)`
 * is called when a marker is chosen.
 */
export function renderAnswer(final, openSource) {
  const citations = new Map((final.citations || []).map((c) => [c.marker, c]));
  const cite = (c) => citationButton(c, openSource);
  const notices = [
    final.standalone_question
      ? el("p", { class: "muted small" }, `Answered as: “${final.standalone_question}”`)
      : null,
    final.degraded ? degradedNotice(final) : null,
  ];
  const disagreement = final.conflicts?.length
    ? conflictsBox(final.conflicts, citations, cite)
    : null;
  if (!final.answerable) return [...notices, refusal(final), disagreement].filter(Boolean);
  const seconds = final.timings_ms?.total ? ` in ${(final.timings_ms.total / 1000).toFixed(1)} s` : "";
  return [
    ...notices,
    answerText(final, citations, cite),
    final.sentences?.some((s) => !s.supported) ? unsupportedLegend() : null,
    disagreement,
    citations.size ? sourceList([...citations.values()], openSource) : null,
    el("p", { class: "muted small footer" }, `Answered${seconds} · ${final.mode}`),
  ].filter(Boolean);
}

function degradedNotice(final) {
  return el(
    "p",
    { class: "notice", role: "note", testid: "degraded" },
    el("strong", {}, "The language model was not available. "),
    "This answer was assembled directly from sentences of the articles instead.",
    final.reason ? ` (${final.reason})` : "",
  );
}

function refusal(final) {
  return el(
    "div",
    { class: "refusal", testid: "refusal" },
    el("p", { class: "refusal-lead" }, final.answer),
    final.refusal_reason ? el("p", { class: "muted small" }, `Why: ${final.refusal_reason}.`) : null,
  );
}

function unsupportedLegend() {
  return el(
    "p",
    { class: "muted small legend" },
    el("span", { class: "sentence unsupported" }, "Underlined sentences"),
    " are not supported by the sources they cite: check them before relying on them.",
  );
}

/** The answer's text: sentences from their offsets, unsupported ones marked. */
function answerText(final, citations, cite) {
  const answer = final.answer;
  const at = codePointIndexer(answer);
  const box = el("div", { class: "answer-text" });
  const sentences = [...(final.sentences || [])].sort((a, b) => a.start - b.start);
  let pos = 0;
  for (const s of sentences) {
    const start = at(s.start);
    const end = at(s.end);
    if (start < pos || end <= start) continue;
    if (start > pos) appendWithMarkers(box, answer.slice(pos, start), citations, cite);
    const span = el("span", { class: s.supported ? "sentence" : "sentence unsupported" });
    appendWithMarkers(span, answer.slice(start, end), citations, cite);
    if (!s.supported) {
      span.title = "Not supported by the cited source";
      span.append(el("span", { class: "flag" }, "unsupported"));
    }
    box.append(span);
    pos = end;
  }
  if (pos < answer.length) appendWithMarkers(box, answer.slice(pos), citations, cite);
  return box;
}

/** Text with each known [n] turned into a clickable superscript. */
function appendWithMarkers(parent, text, citations, cite) {
  const pattern = /\[(\d+)\]/g;
  let pos = 0;
  for (const m of text.matchAll(pattern)) {
    const citation = citations.get(Number(m[1]));
    if (!citation) continue;
    if (m.index > pos) parent.append(document.createTextNode(text.slice(pos, m.index)));
    parent.append(cite(citation));
    pos = m.index + m[0].length;
  }
  if (pos < text.length) parent.append(document.createTextNode(text.slice(pos)));
}

function citationButton(c, openSource) {
  const label = `Source ${c.marker}: ${titleOf(c)}, ${metaLine(c)}`;
  const button = el(
    "button",
    {
      type: "button",
      class: c.supported ? "cite" : "cite weak",
      testid: "citation",
      "data-marker": c.marker,
      "data-doc-id": c.doc_id,
      "aria-label": c.supported ? label : `${label} (does not support the claim)`,
      onclick: (event) => openSource(c, event.currentTarget),
    },
    String(c.marker),
  );
  button.citation = c; // the response's own data, for whoever inspects the page
  return el("sup", {}, button);
}

/**
 * "Sources disagree": for each conflict of the answer ({about, sides}), what it is about and
 * each side's statement with its markers, outlets and dates.
 */
function conflictsBox(conflicts, citations, cite) {
  const items = conflicts.map((conflict) =>
    el(
      "li",
      { class: "conflict" },
      el("p", { class: "conflict-about" }, conflict.about),
      el("ul", { class: "sides" }, (conflict.sides || []).map((s) => side(s, citations, cite))),
    ),
  );
  return el(
    "section",
    { class: "conflicts", role: "note", "aria-label": "Sources disagree", testid: "conflicts" },
    el("h3", {}, "Sources disagree"),
    el("ul", { class: "conflict-list" }, items),
  );
}

/**
 * One side: {statement, markers, sources, published}, where sources[i] was published on
 * published[i] (null: not stated). A marker without a citation stays plain text, as in the
 * answer.
 */
function side({ statement, markers = [], sources = [], published = [] }, citations, cite) {
  const buttons = markers.map((n) => (citations.has(n) ? cite(citations.get(n)) : ` [${n}]`));
  const where = Array.from({ length: Math.max(sources.length, published.length) }, (_, i) =>
    metaLine({ source: sources[i], published: published[i] }),
  );
  return el(
    "li",
    { class: "side", testid: "conflict-side" },
    el("p", { class: "side-statement" }, statement, buttons),
    where.length ? el("p", { class: "side-where" }, where.join("; ")) : null,
  );
}

/** Sources under an answer, one line per article, with the markers that cite it. */
function sourceList(citations, openSource) {
  const byDoc = new Map();
  for (const c of citations) {
    if (!byDoc.has(c.doc_id)) byDoc.set(c.doc_id, []);
    byDoc.get(c.doc_id).push(c);
  }
  const list = el("ol", { class: "sources", "aria-label": "Sources" });
  for (const group of byDoc.values()) {
    const first = group[0];
    const markers = group.map((c) =>
      el(
        "button",
        {
          type: "button",
          class: "chip",
          "aria-label": `Open quote ${c.marker} in ${titleOf(c)}`,
          onclick: (event) => openSource(c, event.currentTarget),
        },
        `[${c.marker}]`,
      ),
    );
    list.append(
      el(
        "li",
        {},
        el("span", { class: "source-name" }, titleOf(first)),
        el("span", { class: "source-where" }, metaLine(first)),
        el("span", { class: "chips" }, markers),
      ),
    );
  }
  return el("section", { class: "sources-box" }, el("h3", {}, "Sources"), list);
}
