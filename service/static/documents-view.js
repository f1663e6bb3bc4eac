// The Documents view: the indexed articles (open, delete with a confirmation) and uploads
// (file picker or drag and drop).

import { el, errorBox } from "./dom.js";
import { formatDate, titleOf } from "./format.js";

const PAGE_SIZE = 500; // documents per list request (the API's largest page)

/**
 * Wires the view's elements ({dropzone, uploadInput, uploadStatus, summary, rows}).
 * `openSource(doc, button)` shows an article; `toast(message)` tells of a deletion.
 * Returns {load()}, which lists the articles again.
 */
export function createDocumentsView(ui, { api, openSource, toast }) {
  async function load() {
    ui.summary.textContent = "Loading the list of articles…";
    const docs = [];
    let total = 0;
    try {
      do {
        const page = await api.getJson(`/v1/documents?offset=${docs.length}&limit=${PAGE_SIZE}`);
        docs.push(...page.documents);
        total = page.total;
        if (!page.documents.length) break;
      } while (docs.length < total);
    } catch (e) {
      ui.summary.replaceChildren(errorBox(e.message));
      return;
    }
    ui.summary.textContent =
      total === 1 ? "1 article is indexed." : `${total} articles are indexed.`;
    if (!docs.length) {
      ui.rows.replaceChildren(
        el("tr", {}, el("td", { colspan: "5", class: "muted" },
          "No articles yet: upload some above.")),
      );
      return;
    }
    ui.rows.replaceChildren(...docs.map(row));
  }

  function row(doc) {
    const actions = el("td", { class: "actions" });
    const tr = el(
      "tr",
      { "data-doc-id": doc.doc_id },
      el("td", {}, el("span", { class: "doc-title" }, titleOf(doc)),
        el("span", { class: "doc-id" }, doc.doc_id)),
      el("td", { "data-label": "Outlet" }, doc.source || "not stated"),
      el("td", { class: "date", "data-label": "Published" }, formatDate(doc.published) || "date not stated"),
      el("td", { class: "num", "data-label": "Chunks" }, String(doc.chunks)),
      actions,
    );
    const name = titleOf(doc);
    const normal = () => {
      actions.replaceChildren(
        el("button", { type: "button", class: "button small", "aria-label": `Open ${name}`,
          onclick: (e) => openSource(doc, e.currentTarget) }, "Open"),
        el("button", { type: "button", class: "button small danger",
          "aria-label": `Delete ${name}`, onclick: askToConfirm }, "Delete"),
      );
    };
    const askToConfirm = () => {
      const no = el("button", { type: "button", class: "button small", onclick: () => {
        normal();
        actions.querySelector(".danger")?.focus();
      } }, "Keep");
      actions.replaceChildren(
        el("span", { class: "confirm" }, "Delete this article?"),
        el("button", { type: "button", class: "button small danger",
          "aria-label": `Yes, delete ${name}`, onclick: remove }, "Delete"),
        no,
      );
      no.focus();
    };
    const remove = async () => {
      actions.replaceChildren(el("span", { class: "muted" }, "Deleting…"));
      try {
        await api.request(`/v1/documents/${encodeURIComponent(doc.doc_id)}`, { method: "DELETE" });
        api.forgetDocument(doc.doc_id);
        toast(`Deleted “${name}”.`);
        await load();
      } catch (e) {
        normal();
        actions.append(errorBox(e.message));
      }
    };
    normal();
    return tr;
  }

  async function upload(files) {
    for (const file of files) {
      const line = el("li", {}, `${file.name}: uploading…`);
      ui.uploadStatus.prepend(line);
      const form = new FormData();
      form.append("file", file, file.name);
      try {
        const reply = await api.getJson("/v1/documents", { method: "POST", body: form });
        const results = reply.results || [];
        line.className = "ok";
        line.textContent = `${file.name}: ${results
          .map((r) => `${r.status} as ${r.doc_id} (${r.chunks} chunk${r.chunks === 1 ? "" : "s"})`)
          .join("; ")}`;
        for (const r of results) api.forgetDocument(r.doc_id);
      } catch (e) {
        // upload errors from the server already name the file and the problem
        const named = e.detail && e.detail.startsWith(`${file.name}:`);
        line.replaceChildren(errorBox(named ? e.detail : `${file.name}: ${e.message}`));
      }
    }
    await load();
  }

  ui.uploadInput.addEventListener("change", () => {
    const files = [...ui.uploadInput.files];
    ui.uploadInput.value = "";
    if (files.length) upload(files);
  });
  for (const type of ["dragenter", "dragover"]) {
    ui.dropzone.addEventListener(type, (event) => {
      event.preventDefault();
      ui.dropzone.classList.add("dragging");
    });
  }
  ui.dropzone.addEventListener("dragleave", () => ui.dropzone.classList.remove("dragging"));
  ui.dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    ui.dropzone.classList.remove("dragging");
    const files = [...(event.dataTransfer?.files || [])];
    if (files.length) upload(files);
  });

  return { load };
}
