// The source panel: an article opened beside the conversation, at the cited sentence,
// highlighted from the citation's start/end. The article is always rendered as text.

import { el, errorBox } from "./dom.js";
import { codePointIndexer, metaLine, titleOf } from "./format.js";

/**
 * Wires the panel's elements ({panel, kicker, title, meta, note, body, close}); articles
 * come from `api` (an ApiClient). Returns {open(target, trigger), close(), isOpen()}.
 */
export function createSourcePanel(ui, api) {
  let request = 0; // increments so a slow, older load never overwrites a newer one
  let trigger = null; // element to give focus back to when the panel closes

  /** Show an article; with a citation, its quote highlighted (from start/end) and in view. */
  async function open(target, from) {
    const ticket = ++request;
    trigger = from || null;
    markActive(from);
    const isQuote = typeof target.start === "number";
    ui.panel.hidden = false;
    document.body.classList.add("panel-open");
    ui.kicker.textContent = isQuote ? `Source [${target.marker}]` : "Article";
    ui.title.textContent = target.title || target.doc_id;
    ui.meta.textContent = "";
    ui.note.hidden = true;
    ui.body.replaceChildren(el("p", { class: "muted" }, "Loading the article…"));
    ui.panel.focus({ preventScroll: true });
    let doc;
    try {
      doc = await api.document(target.doc_id);
    } catch (e) {
      if (ticket === request) ui.body.replaceChildren(errorBox(e.message));
      return;
    }
    if (ticket !== request) return;
    ui.title.textContent = titleOf(doc);
    const authors = doc.authors?.length ? ` · ${doc.authors.join(", ")}` : "";
    ui.meta.textContent = metaLine(doc) + authors;
    const text = doc.text || "";
    const article = el("div", { class: "article-text" });
    if (!isQuote) {
      article.append(document.createTextNode(text));
      ui.body.replaceChildren(article);
      ui.body.scrollTop = 0;
      return;
    }
    const at = codePointIndexer(text);
    const start = at(target.start);
    const end = at(target.end);
    const mark = el("mark", { testid: "highlight", class: "highlight" }, text.slice(start, end));
    article.append(document.createTextNode(text.slice(0, start)), mark,
      document.createTextNode(text.slice(end)));
    const notes = [];
    if (target.supported === false) {
      notes.push("This quote does not support the sentence that cites it.");
    }
    if (typeof target.quote === "string" && text.slice(start, end) !== target.quote) {
      notes.push("The article changed after this answer was written: the highlight may be off.");
    }
    ui.note.textContent = notes.join(" ");
    ui.note.hidden = notes.length === 0;
    ui.body.replaceChildren(article);
    mark.scrollIntoView({ block: "center" });
  }

  function close() {
    if (ui.panel.hidden) return;
    request++;
    markActive(null);
    ui.panel.hidden = true;
    document.body.classList.remove("panel-open");
    const from = trigger;
    trigger = null;
    if (from?.isConnected) from.focus();
  }

  ui.close.addEventListener("click", close);

  return { open, close, isOpen: () => !ui.panel.hidden };
}

/** The marker whose source is open looks pressed. */
function markActive(trigger) {
  for (const b of document.querySelectorAll(".cite.active")) b.classList.remove("active");
  if (trigger?.classList.contains("cite")) trigger.classList.add("active");
}
