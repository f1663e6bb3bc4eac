// The newsqa page: chat with streamed, cited answers; a source panel; the documents view.
// Plain JavaScript, no build step, nothing loaded from elsewhere. Text from the server
// (answers, titles, articles) only ever becomes text nodes: markup in an article is shown,
// never run.
"use strict";

(() => {
  const KEY_STORAGE = "newsqa.apiKey";
  const MAX_HISTORY = 20; // turns sent with a follow-up (the API accepts 50)
  const PAGE_SIZE = 500; // documents per list request (the API's largest page)

  const $ = (id) => document.getElementById(id);
  const ui = {
    messages: $("messages"),
    intro: $("intro"),
    composer: $("composer"),
    question: $("question"),
    send: $("send"),
    newConversation: $("new-conversation"),
    forgetKey: $("forget-key"),
    tabAsk: $("tab-ask"),
    tabDocuments: $("tab-documents"),
    viewAsk: $("view-ask"),
    viewDocuments: $("view-documents"),
    panel: $("source-panel"),
    panelKicker: $("source-kicker"),
    panelTitle: $("source-title"),
    panelMeta: $("source-meta"),
    panelNote: $("source-note"),
    panelBody: $("source-body"),
    panelClose: $("source-close"),
    dropzone: $("dropzone"),
    uploadInput: $("upload-input"),
    uploadStatus: $("upload-status"),
    docSummary: $("doc-summary"),
    docRows: $("doc-rows"),
    keyDialog: $("key-dialog"),
    keyForm: $("key-form"),
    keyInput: $("key-input"),
    keyMessage: $("key-message"),
    keyCancel: $("key-cancel"),
    toast: $("toast"),
  };

  const state = {
    history: [], // [{role, content}] of finished turns
    controller: null, // AbortController of the answer being streamed
    documents: new Map(), // doc_id -> Promise of the document (with text)
    panelRequest: 0, // increments so a slow, older panel load never overwrites a newer one
    panelTrigger: null, // element to give focus back to when the panel closes
    memoryKey: "", // the key when localStorage is not available
  };

  // ---------------------------------------------------------------- small helpers

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "testid") node.dataset.testid = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** Maps the API's offsets (Python counts code points) to JavaScript string indices. */
  function codePointIndexer(text) {
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
  function formatDate(published) {
    if (!published) return null;
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(published);
    if (!m) return published;
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return Number.isNaN(date.getTime()) ? published : dateFormat.format(date);
  }

  function titleOf(doc) {
    return doc.title || "Untitled article";
  }

  function metaLine(doc) {
    return `${doc.source || "Outlet not stated"} · ${formatDate(doc.published) || "date not stated"}`;
  }

  let toastTimer = 0;
  function toast(message) {
    ui.toast.textContent = message;
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      ui.toast.hidden = true;
    }, 6000);
  }

  // ---------------------------------------------------------------- talking to the API

  class ApiError extends Error {
    constructor(message, status = 0, kind = "error", detail = "") {
      super(message);
      this.status = status;
      this.kind = kind;
      this.detail = detail; // the server's own message, without the lead
    }
  }

  const UNREACHABLE =
    "Cannot reach the newsqa server. Check that it is running and that this computer is " +
    "online, then try again.";

  function storedKey() {
    try {
      return localStorage.getItem(KEY_STORAGE) || "";
    } catch {
      return state.memoryKey;
    }
  }

  function storeKey(key) {
    state.memoryKey = key;
    try {
      if (key) localStorage.setItem(KEY_STORAGE, key);
      else localStorage.removeItem(KEY_STORAGE);
    } catch {
      // private browsing: the key lives in memory for this visit only
    }
    ui.forgetKey.hidden = !key;
  }

  let keyPrompt = null;
  /** Ask for an API key once, however many requests were refused at the same time. */
  function askForKey(message) {
    if (keyPrompt) return keyPrompt;
    keyPrompt = new Promise((resolve) => {
      ui.keyMessage.textContent = message;
      ui.keyInput.value = "";
      ui.keyDialog.returnValue = "";
      const done = () => {
        ui.keyDialog.removeEventListener("close", done);
        const key = ui.keyInput.value.trim();
        const saved = ui.keyDialog.returnValue === "save" && key !== "";
        if (saved) storeKey(key);
        keyPrompt = null;
        resolve(saved);
      };
      ui.keyDialog.addEventListener("close", done);
      ui.keyDialog.showModal();
      ui.keyInput.focus();
    });
    return keyPrompt;
  }

  /** The readable message of an error reply ({"error": {"type", "message"}}). */
  async function errorOf(response) {
    let detail = "";
    let kind = "http_error";
    try {
      const body = await response.json();
      detail = body?.error?.message || "";
      kind = body?.error?.type || kind;
    } catch {
      // not JSON (a proxy's page, say): the status alone must do
    }
    const status = response.status;
    const lead =
      {
        400: "The request was malformed",
        401: "The API key was refused",
        404: "Not found",
        413: "Too large",
        415: "That file type is not supported",
        422: "The request was not accepted",
        429: "Too many requests",
        503: "The service is not available right now",
      }[status] || (status >= 500 ? "The server had a problem" : `The server answered ${status}`);
    let message = detail ? `${lead}: ${detail}` : `${lead} (HTTP ${status})`;
    if (!/[.!?]$/.test(message)) message += ".";
    const retry = response.headers.get("retry-after");
    if ((status === 429 || status === 503) && retry) {
      message += ` Try again in ${retry} seconds.`;
    }
    return new ApiError(message, status, kind, detail);
  }

  /** fetch with the API key; a 401 asks for a key and retries; errors become ApiError. */
  async function request(path, init = {}) {
    const headers = new Headers(init.headers || {});
    const key = storedKey();
    if (key) headers.set("Authorization", `Bearer ${key}`);
    let response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiError(UNREACHABLE, 0, "network");
    }
    if (response.status === 401) {
      const refused = await errorOf(response);
      const message = key
        ? `The saved API key was refused (${refused.detail || `HTTP ${refused.status}`}). ` +
          "Enter another key."
        : "This newsqa server needs an API key. It is kept in this browser only.";
      if (await askForKey(message)) return request(path, init);
      throw new ApiError(
        "An API key is needed to use this server. Send a question again to enter one.",
        401,
        "unauthorized",
      );
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async function getJson(path, init) {
    const response = await request(path, init);
    return response.json();
  }

  /** Blocks of a Server-Sent Events stream: yields {event, data}. */
  async function* readEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (e.name === "AbortError") throw e;
        throw new ApiError(
          "The connection to the server was lost before the answer was complete. Try again.",
        );
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      // "\r" may be the first half of "\r\n" split across two reads: keep it for later
      const held = buffer.endsWith("\r") ? "\r" : "";
      buffer = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
      }
      buffer += held;
    }
  }

  /** POST /v1/ask as a stream: calls onToken with draft text, returns the final response. */
  async function streamAnswer(body, signal, onToken) {
    const response = await request("/v1/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
      signal,
    });
    if (!(response.headers.get("content-type") || "").includes("text/event-stream")) {
      return response.json();
    }
    for await (const { event, data } of readEvents(response)) {
      if (event === "token") onToken(data.text || "");
      else if (event === "done") return data;
      else if (event === "error") {
        throw new ApiError(`The server had a problem: ${data?.error?.message || "unknown"}`);
      }
    }
    throw new ApiError(
      "The connection to the server was closed before the answer was complete. Try again.",
    );
  }

  function getDocument(docId) {
    if (!state.documents.has(docId)) {
      const loading = getJson(`/v1/documents/${encodeURIComponent(docId)}`);
      loading.catch(() => state.documents.delete(docId));
      state.documents.set(docId, loading);
    }
    return state.documents.get(docId);
  }

  // ---------------------------------------------------------------- the conversation

  function nearBottom() {
    const m = ui.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }

  function scrollToEnd(force = false) {
    if (force || nearBottom()) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  /** A finished answer taller than the view is shown from its question, else the end. */
  function revealAnswer(asked, block) {
    const room = ui.messages.clientHeight;
    if (asked.offsetHeight + block.offsetHeight + 40 > room) {
      ui.messages.scrollTop = asked.offsetTop - 12; // .messages is the offsetParent
    } else {
      scrollToEnd(true);
    }
  }

  function setBusy(busy) {
    ui.send.textContent = busy ? "Stop" : "Send";
    ui.send.setAttribute("aria-label", busy ? "Stop answering" : "Send question");
    ui.send.classList.toggle("stop", busy);
  }

  function errorBox(message) {
    return el("p", { class: "error-box", role: "alert", testid: "error" }, message);
  }

  async function ask(question) {
    ui.intro.hidden = true;
    const asked = el("div", { class: "message user" }, el("p", {}, question));
    ui.messages.append(asked);
    const status = el("p", { class: "status" }, "Searching the articles");
    const draft = el("p", { class: "draft", "aria-hidden": "true" });
    const block = el(
      "article",
      { class: "message answer", testid: "answer", "data-state": "streaming",
        "aria-busy": "true", "aria-label": "Answer" },
      status,
      draft,
    );
    ui.messages.append(block);
    scrollToEnd(true);

    const controller = new AbortController();
    state.controller = controller;
    setBusy(true);
    const body = { question, history: state.history.slice(-MAX_HISTORY) };
    let text = "";
    try {
      const final = await streamAnswer(body, controller.signal, (token) => {
        if (!text) status.textContent = "Writing a draft; checking every claim against its source";
        text += token;
        draft.textContent = text;
        scrollToEnd();
      });
      block.replaceChildren(...renderAnswer(final));
      block.dataset.state = "done";
      revealAnswer(asked, block);
      block.dataset.answerable = String(final.answerable);
      state.history.push({ role: "user", content: question });
      state.history.push({ role: "assistant", content: final.answer });
    } catch (e) {
      block.dataset.state = "error";
      if (e.name === "AbortError") {
        block.replaceChildren(el("p", { class: "muted" }, "Stopped."));
      } else {
        block.replaceChildren(errorBox(e.message || String(e)));
      }
      scrollToEnd();
    } finally {
      block.removeAttribute("aria-busy");
      if (state.controller === controller) {
        state.controller = null;
        setBusy(false);
      }
    }
  }

  /** The finished answer: notices, text with markers, the list of sources, a footer. */
  function renderAnswer(final) {
    const parts = [];
    const citations = new Map((final.citations || []).map((c) => [c.marker, c]));
    if (final.standalone_question) {
      parts.push(el("p", { class: "muted small" }, `Answered as: “${final.standalone_question}”`));
    }
    if (final.degraded) {
      parts.push(
        el(
          "p",
          { class: "notice", role: "note", testid: "degraded" },
          el("strong", {}, "The language model was not available. "),
          "This answer was assembled directly from sentences of the articles instead.",
          final.reason ? ` (${final.reason})` : "",
        ),
      );
    }
    if (!final.answerable) {
      parts.push(
        el(
          "div",
          { class: "refusal", testid: "refusal" },
          el("p", { class: "refusal-lead" }, final.answer),
          final.refusal_reason ? el("p", { class: "muted small" }, `Why: ${final.refusal_reason}.`) : null,
        ),
      );
      return parts;
    }
    parts.push(answerText(final, citations));
    if (final.sentences?.some((s) => !s.supported)) {
      parts.push(
        el(
          "p",
          { class: "muted small legend" },
          el("span", { class: "sentence unsupported" }, "Underlined sentences"),
          " are not supported by the sources they cite: check them before relying on them.",
        ),
      );
    }
    if (citations.size) parts.push(sourceList([...citations.values()]));
    const seconds = final.timings_ms?.total ? ` in ${(final.timings_ms.total / 1000).toFixed(1)} s` : "";
    parts.push(el("p", { class: "muted small footer" }, `Answered${seconds} · ${final.mode}`));
    return parts;
  }

  /** The answer's text: sentences from their offsets, unsupported ones marked. */
  function answerText(final, citations) {
    const answer = final.answer;
    const at = codePointIndexer(answer);
    const box = el("div", { class: "answer-text" });
    const sentences = [...(final.sentences || [])].sort((a, b) => a.start - b.start);
    let pos = 0;
    for (const s of sentences) {
      const start = at(s.start);
      const end = at(s.end);
      if (start < pos || end <= start) continue;
      if (start > pos) appendWithMarkers(box, answer.slice(pos, start), citations);
      const span = el("span", { class: s.supported ? "sentence" : "sentence unsupported" });
      appendWithMarkers(span, answer.slice(start, end), citations);
      if (!s.supported) {
        span.title = "Not supported by the cited source";
        span.append(el("span", { class: "flag" }, "unsupported"));
      }
      box.append(span);
      pos = end;
    }
    if (pos < answer.length) appendWithMarkers(box, answer.slice(pos), citations);
    return box;
  }

  /** Text with each known [n] turned into a clickable superscript. */
  function appendWithMarkers(parent, text, citations) {
    const pattern = /\[(\d+)\]/g;
    let pos = 0;
    for (const m of text.matchAll(pattern)) {
      const citation = citations.get(Number(m[1]));
      if (!citation) continue;
      if (m.index > pos) parent.append(document.createTextNode(text.slice(pos, m.index)));
      parent.append(citationButton(citation));
      pos = m.index + m[0].length;
    }
    if (pos < text.length) parent.append(document.createTextNode(text.slice(pos)));
  }

  function citationButton(c) {
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

  /** Sources under an answer, one line per article, with the markers that cite it. */
  function sourceList(citations) {
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

  function newConversation() {
    state.controller?.abort();
    state.history = [];
    ui.messages.replaceChildren(ui.intro);
    ui.intro.hidden = false;
    closeSource();
    showView("ask");
    ui.question.value = "";
    resizeQuestion();
    ui.question.focus();
  }

  function resizeQuestion() {
    ui.question.style.height = "auto";
    ui.question.style.height = `${Math.min(ui.question.scrollHeight, 200)}px`;
  }

  // ---------------------------------------------------------------- the source panel

  /** Show an article; with a citation, its quote highlighted (from start/end) and in view. */
  async function openSource(target, trigger) {
    const ticket = ++state.panelRequest;
    state.panelTrigger = trigger || null;
    markActive(trigger);
    const isQuote = typeof target.start === "number";
    ui.panel.hidden = false;
    document.body.classList.add("panel-open");
    ui.panelKicker.textContent = isQuote ? `Source [${target.marker}]` : "Article";
    ui.panelTitle.textContent = target.title || target.doc_id;
    ui.panelMeta.textContent = "";
    ui.panelNote.hidden = true;
    ui.panelBody.replaceChildren(el("p", { class: "muted" }, "Loading the article…"));
    ui.panel.focus({ preventScroll: true });
    let doc;
    try {
      doc = await getDocument(target.doc_id);
    } catch (e) {
      if (ticket === state.panelRequest) ui.panelBody.replaceChildren(errorBox(e.message));
      return;
    }
    if (ticket !== state.panelRequest) return;
    ui.panelTitle.textContent = titleOf(doc);
    const authors = doc.authors?.length ? ` · ${doc.authors.join(", ")}` : "";
    ui.panelMeta.textContent = metaLine(doc) + authors;
    const text = doc.text || "";
    const article = el("div", { class: "article-text" });
    if (!isQuote) {
      article.append(document.createTextNode(text));
      ui.panelBody.replaceChildren(article);
      ui.panelBody.scrollTop = 0;
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
    ui.panelNote.textContent = notes.join(" ");
    ui.panelNote.hidden = notes.length === 0;
    ui.panelBody.replaceChildren(article);
    mark.scrollIntoView({ block: "center" });
  }

  /** The marker whose source is open looks pressed. */
  function markActive(trigger) {
    for (const b of document.querySelectorAll(".cite.active")) b.classList.remove("active");
    if (trigger?.classList.contains("cite")) trigger.classList.add("active");
  }

  function closeSource() {
    if (ui.panel.hidden) return;
    state.panelRequest++;
    markActive(null);
    ui.panel.hidden = true;
    document.body.classList.remove("panel-open");
    const trigger = state.panelTrigger;
    state.panelTrigger = null;
    if (trigger?.isConnected) trigger.focus();
  }

  // ---------------------------------------------------------------- the documents view

  async function loadDocuments() {
    ui.docSummary.textContent = "Loading the list of articles…";
    const docs = [];
    let total = 0;
    try {
      do {
        const page = await getJson(`/v1/documents?offset=${docs.length}&limit=${PAGE_SIZE}`);
        docs.push(...page.documents);
        total = page.total;
        if (!page.documents.length) break;
      } while (docs.length < total);
    } catch (e) {
      ui.docSummary.replaceChildren(errorBox(e.message));
      return;
    }
    ui.docSummary.textContent =
      total === 1 ? "1 article is indexed." : `${total} articles are indexed.`;
    if (!docs.length) {
      ui.docRows.replaceChildren(
        el("tr", {}, el("td", { colspan: "5", class: "muted" },
          "No articles yet: upload some above.")),
      );
      return;
    }
    ui.docRows.replaceChildren(...docs.map(documentRow));
  }

  function documentRow(doc) {
    const actions = el("td", { class: "actions" });
    const row = el(
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
        await request(`/v1/documents/${encodeURIComponent(doc.doc_id)}`, { method: "DELETE" });
        state.documents.delete(doc.doc_id);
        toast(`Deleted “${name}”.`);
        await loadDocuments();
      } catch (e) {
        normal();
        actions.append(errorBox(e.message));
      }
    };
    normal();
    return row;
  }

  async function uploadFiles(files) {
    for (const file of files) {
      const line = el("li", {}, `${file.name}: uploading…`);
      ui.uploadStatus.prepend(line);
      const form = new FormData();
      form.append("file", file, file.name);
      try {
        const reply = await getJson("/v1/documents", { method: "POST", body: form });
        const results = reply.results || [];
        line.className = "ok";
        line.textContent = `${file.name}: ${results
          .map((r) => `${r.status} as ${r.doc_id} (${r.chunks} chunk${r.chunks === 1 ? "" : "s"})`)
          .join("; ")}`;
        for (const r of results) state.documents.delete(r.doc_id);
      } catch (e) {
        // upload errors from the server already name the file and the problem
        const named = e.detail && e.detail.startsWith(`${file.name}:`);
        line.replaceChildren(errorBox(named ? e.detail : `${file.name}: ${e.message}`));
      }
    }
    await loadDocuments();
  }

  // ---------------------------------------------------------------- views and events

  function showView(name) {
    const documents = name === "documents";
    ui.viewAsk.hidden = documents;
    ui.viewDocuments.hidden = !documents;
    for (const [tab, current] of [[ui.tabAsk, !documents], [ui.tabDocuments, documents]]) {
      if (current) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    const hash = documents ? "#documents" : "";
    if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname);
    if (documents) loadDocuments();
  }

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.controller) {
      state.controller.abort();
      return;
    }
    const question = ui.question.value.trim();
    if (!question) return;
    ui.question.value = "";
    resizeQuestion();
    ask(question);
  });

  ui.question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!state.controller) ui.composer.requestSubmit();
    }
  });
  ui.question.addEventListener("input", resizeQuestion);
  ui.newConversation.addEventListener("click", newConversation);
  ui.tabAsk.addEventListener("click", () => showView("ask"));
  ui.tabDocuments.addEventListener("click", () => showView("documents"));
  ui.panelClose.addEventListener("click", closeSource);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !ui.panel.hidden && !ui.keyDialog.open) closeSource();
  });

  ui.forgetKey.addEventListener("click", () => {
    storeKey("");
    toast("The API key was removed from this browser.");
  });
  ui.keyCancel.addEventListener("click", () => ui.keyDialog.close("cancel"));
  ui.keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    ui.keyDialog.close("save");
  });

  ui.uploadInput.addEventListener("change", () => {
    const files = [...ui.uploadInput.files];
    ui.uploadInput.value = "";
    if (files.length) uploadFiles(files);
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
    if (files.length) uploadFiles(files);
  });
  // a file dropped beside the zone must not replace the page
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());

  window.addEventListener("error", (event) => {
    toast(`Something went wrong on this page: ${event.message}`);
  });
  window.addEventListener("unhandledrejection", (event) => {
    toast(`Something went wrong on this page: ${event.reason?.message || event.reason}`);
  });

  ui.forgetKey.hidden = !storedKey();
  showView(location.hash === "#documents" ? "documents" : "ask");
  if (location.hash !== "#documents") ui.question.focus();
})();
