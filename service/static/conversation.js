// The conversation: the question box, each question with its streamed draft replaced by the
// verified answer, Stop, and the history sent with a follow-up.

import { streamAnswer } from "./ask-stream.js";
import { renderAnswer } from "./answer-view.js";
import { el, errorBox } from "./dom.js";

const MAX_HISTORY = 20; // turns sent with a follow-up (the API accepts 50)

/**
 * Wires the chat's elements ({messages, intro, composer, question, send}); asks through
 * `api` (an ApiClient); `openSource(citation, button)` shows a cited sentence.
 * Returns {reset(), focus()}.
 */
export function createConversation(ui, { api, openSource }) {
  let history = []; // [{role, content}] of finished turns
  let controller = null; // AbortController of the answer being streamed

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

    const mine = new AbortController();
    controller = mine;
    setBusy(true);
    const body = { question, history: history.slice(-MAX_HISTORY) };
    let text = "";
    try {
      const final = await streamAnswer(api, body, mine.signal, (token) => {
        if (!text) status.textContent = "Writing a draft; checking every claim against its source";
        text += token;
        draft.textContent = text;
        scrollToEnd();
      });
      block.replaceChildren(...renderAnswer(final, openSource));
      block.dataset.state = "done";
      revealAnswer(asked, block);
      block.dataset.answerable = String(final.answerable);
      history.push({ role: "user", content: question });
      history.push({ role: "assistant", content: final.answer });
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
      if (controller === mine) {
        controller = null;
        setBusy(false);
      }
    }
  }

  function resizeQuestion() {
    ui.question.style.height = "auto";
    ui.question.style.height = `${Math.min(ui.question.scrollHeight, 200)}px`;
  }

  /** Forgets the conversation (stopping an answer on its way) and empties the question box. */
  function reset() {
    controller?.abort();
    history = [];
    ui.messages.replaceChildren(ui.intro);
    ui.intro.hidden = false;
    ui.question.value = "";
    resizeQuestion();
    ui.question.focus();
  }

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (controller) {
      controller.abort();
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
      if (!controller) ui.composer.requestSubmit();
    }
  });
  ui.question.addEventListener("input", resizeQuestion);

  return { reset, focus: () => ui.question.focus() };
}
