// The newsqa page: finds its elements, builds each part and wires them together.
// Plain JavaScript modules, no build step, nothing loaded from elsewhere.

import { ApiClient } from "./api-client.js";
import { createConversation } from "./conversation.js";
import { createToast } from "./dom.js";
import { createDocumentsView } from "./documents-view.js";
import { createKeyDialog } from "./key-dialog.js";
import { createSourcePanel } from "./source-panel.js";

const $ = (id) => document.getElementById(id);

const toast = createToast($("toast"));
const forgetKey = $("forget-key");
const keyDialog = $("key-dialog");
const api = new ApiClient({
  askForKey: createKeyDialog({
    dialog: keyDialog,
    form: $("key-form"),
    input: $("key-input"),
    message: $("key-message"),
    cancel: $("key-cancel"),
  }),
  onKeyChange: (key) => {
    forgetKey.hidden = !key;
  },
});
const panel = createSourcePanel(
  {
    panel: $("source-panel"),
    kicker: $("source-kicker"),
    title: $("source-title"),
    meta: $("source-meta"),
    note: $("source-note"),
    body: $("source-body"),
    close: $("source-close"),
  },
  api,
);
const conversation = createConversation(
  {
    messages: $("messages"),
    intro: $("intro"),
    composer: $("composer"),
    question: $("question"),
    send: $("send"),
  },
  { api, openSource: panel.open },
);
const documents = createDocumentsView(
  {
    dropzone: $("dropzone"),
    uploadInput: $("upload-input"),
    uploadStatus: $("upload-status"),
    summary: $("doc-summary"),
    rows: $("doc-rows"),
  },
  { api, openSource: panel.open, toast },
);

const tabs = { ask: $("tab-ask"), documents: $("tab-documents") };
const views = { ask: $("view-ask"), documents: $("view-documents") };

/** Shows the Ask or the Documents view ("#documents" in the address). */
function showView(name) {
  for (const view of Object.keys(views)) {
    views[view].hidden = view !== name;
    if (view === name) tabs[view].setAttribute("aria-current", "page");
    else tabs[view].removeAttribute("aria-current");
  }
  const hash = name === "documents" ? "#documents" : "";
  if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname);
  if (name === "documents") documents.load();
}

tabs.ask.addEventListener("click", () => showView("ask"));
tabs.documents.addEventListener("click", () => showView("documents"));
$("new-conversation").addEventListener("click", () => {
  panel.close();
  showView("ask");
  conversation.reset();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && panel.isOpen() && !keyDialog.open) panel.close();
});
forgetKey.addEventListener("click", () => {
  api.key = "";
  toast("The API key was removed from this browser.");
});

// a file dropped beside the drop zone must not replace the page
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("drop", (event) => event.preventDefault());
window.addEventListener("error", (event) => {
  toast(`Something went wrong on this page: ${event.message}`);
});
window.addEventListener("unhandledrejection", (event) => {
  toast(`Something went wrong on this page: ${event.reason?.message || event.reason}`);
});

forgetKey.hidden = !api.key;
showView(location.hash === "#documents" ? "documents" : "ask");
if (location.hash !== "#documents") conversation.focus();
