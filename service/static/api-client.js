// Talking to the newsqa API: fetch with the API key, error replies made readable, and the
// articles the page has already fetched.

const KEY_STORAGE = "newsqa.apiKey";

const UNREACHABLE =
  "Cannot reach the newsqa server. Check that it is running and that this computer is " +
  "online, then try again.";

/** What the page shows for a failed request; `detail` is the server's own message. */
export class ApiError extends Error {
  constructor(message, status = 0, kind = "error", detail = "") {
    super(message);
    this.status = status;
    this.kind = kind;
    this.detail = detail; // the server's own message, without the lead
  }
}

const LEADS = {
  400: "The request was malformed",
  401: "The API key was refused",
  404: "Not found",
  413: "Too large",
  415: "That file type is not supported",
  422: "The request was not accepted",
  429: "Too many requests",
  503: "The service is not available right now",
};

/** The readable message of an error reply ({"error": {"type", "message"}}). */
export async function errorOf(response) {
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
    LEADS[status] || (status >= 500 ? "The server had a problem" : `The server answered ${status}`);
  let message = detail ? `${lead}: ${detail}` : `${lead} (HTTP ${status})`;
  if (!/[.!?]$/.test(message)) message += ".";
  const retry = response.headers.get("retry-after");
  if ((status === 429 || status === 503) && retry) {
    message += ` Try again in ${retry} seconds.`;
  }
  return new ApiError(message, status, kind, detail);
}

/**
 * The API as the page uses it. `askForKey(message)` resolves to the key the user entered
 * ("" when they cancelled); `onKeyChange(key)` hears of every key saved or forgotten.
 */
export class ApiClient {
  #askForKey;
  #onKeyChange;
  #memoryKey = ""; // the key when localStorage is not available
  #documents = new Map(); // doc_id -> Promise of the document (with text)

  constructor({ askForKey, onKeyChange = () => {} }) {
    this.#askForKey = askForKey;
    this.#onKeyChange = onKeyChange;
  }

  /** The saved API key, or "". */
  get key() {
    try {
      return localStorage.getItem(KEY_STORAGE) || "";
    } catch {
      return this.#memoryKey;
    }
  }

  /** Saves a key in this browser ("" forgets it). */
  set key(key) {
    this.#memoryKey = key;
    try {
      if (key) localStorage.setItem(KEY_STORAGE, key);
      else localStorage.removeItem(KEY_STORAGE);
    } catch {
      // private browsing: the key lives in memory for this visit only
    }
    this.#onKeyChange(key);
  }

  /** fetch with the API key; a 401 asks for a key and retries; errors become ApiError. */
  async request(path, init = {}) {
    const headers = new Headers(init.headers || {});
    const key = this.key;
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
      const entered = await this.#askForKey(message);
      if (entered) {
        this.key = entered;
        return this.request(path, init);
      }
      throw new ApiError(
        "An API key is needed to use this server. Send a question again to enter one.",
        401,
        "unauthorized",
      );
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async getJson(path, init) {
    const response = await this.request(path, init);
    return response.json();
  }

  /** An article with its text, fetched once and then kept until forgotten. */
  document(docId) {
    if (!this.#documents.has(docId)) {
      const loading = this.getJson(`/v1/documents/${encodeURIComponent(docId)}`);
      loading.catch(() => this.#documents.delete(docId));
      this.#documents.set(docId, loading);
    }
    return this.#documents.get(docId);
  }

  /** Drops a kept article (deleted or uploaded again), so the next look fetches it anew. */
  forgetDocument(docId) {
    this.#documents.delete(docId);
  }
}
