// Live updates: the server's `GET /api/v1/sync/events?token=` Server-Sent Events stream pokes the
// device when its streams change. Optional and tolerant: a server without it (404/405), a platform
// whose fetch cannot stream (React Native's), or a dropped connection all fall back to polling.

export type SseEvent = { event: string; data: string };

/** Splits an SSE byte stream (already decoded to text, in any chunking) into events. */
export class SseParser {
  private buffer = "";
  private event = "message";
  private data: string[] = [];

  push(text: string): SseEvent[] {
    this.buffer += text;
    const out: SseEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        if (this.data.length > 0) out.push({ event: this.event, data: this.data.join("\n") });
        this.event = "message";
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue; // a comment (keep-alive)
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") this.event = value;
      else if (field === "data") this.data.push(value);
    }
    return out;
  }
}

export type StreamOutcome = "unsupported" | "ended";

/**
 * Reads one SSE connection until it ends, calling `onPoke` for every `ready` and `poke` event. "unsupported"
 * means the server or the platform has no live stream: do not reconnect, poll instead.
 */
export async function readEvents(open: () => Promise<Response>, onPoke: () => void): Promise<StreamOutcome> {
  const response = await open();
  if (response.status === 404 || response.status === 405 || response.status === 501) return "unsupported";
  const contentType = response.headers.get("content-type") ?? "";
  if (!response.ok || !contentType.includes("text/event-stream")) return "ended";
  if (!response.body || typeof response.body.getReader !== "function") return "unsupported";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return "ended";
    for (const event of parser.push(decoder.decode(value, { stream: true }))) {
      // `ready` too: changes may have landed between the last sync and this connection.
      if (event.event === "poke" || event.event === "ready") onPoke();
    }
  }
}
