// A live-update (SSE) client as a device would run it: fetch with the bearer token, parse the
// event stream, and wait for the next event of a kind. Comment lines count as heartbeats.
import type { TestDevice } from "./device";

export type LiveEvent = { event: string; data: { streams: Record<string, number> } | null; at: number };

export type LiveClient = {
  status: number;
  body: unknown;
  events: LiveEvent[];
  /** The next event named `event` not yet taken (waits up to `timeoutMs`). */
  next(event: string, timeoutMs?: number): Promise<LiveEvent>;
  close(): void;
};

export async function connectLive(baseUrl: string, device: TestDevice, token: string, headers: Record<string, string> = {}): Promise<LiveClient> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/sync/events?token=${encodeURIComponent(token)}`, {
    headers: { authorization: `Bearer ${device.jwt}`, accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const events: LiveEvent[] = [];
  const taken = new Set<LiveEvent>();
  const waiters = new Set<() => void>();
  const client: LiveClient = {
    status: response.status,
    body: null,
    events,
    async next(event, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.event === event && !taken.has(e));
        if (found) {
          taken.add(found);
          return found;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${event} event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => abort.abort(),
  };
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    client.body = await response.json();
    return client;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body ?? []) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          const name = lines.find((l) => l.startsWith("event: "))?.slice(7);
          const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
          if (name) events.push({ event: name, data: data ? JSON.parse(data) : null, at: Date.now() });
          else if (lines.every((l) => l.startsWith(":"))) events.push({ event: "heartbeat", data: null, at: Date.now() });
          for (const wake of waiters) wake();
          waiters.clear();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return client;
}
