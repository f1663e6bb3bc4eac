// The answer stream of POST /v1/ask: Server-Sent Events, `token` events with draft text and
// one `done` event with the verified answer (or an `error` event).

import { ApiError } from "./api-client.js";

/** Blocks of a Server-Sent Events stream: yields {event, data}. */
export async function* readEvents(response) {
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

/** Asks through `api` (an ApiClient): calls onToken with draft text, returns the final answer. */
export async function streamAnswer(api, body, signal, onToken) {
  const response = await api.request("/v1/ask", {
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
