// The console's live view: one Server-Sent Events stream per open console tab saying "something
// changed" (any stream, any instance), at most once per `minIntervalMs`, so the inbox and the
// overview refresh themselves. It carries no data: the page re-reads through its own authorized
// queries. Bounded memory: one pending flag per connection, whatever the write rate.
import { getDatabase } from "../db/client";
import { subscribeAll } from "./hub";
import { ensureListening } from "./listener";

const encoder = new TextEncoder();

export type ConsoleStreamOptions = { heartbeatSeconds: number; minIntervalMs: number; signal: AbortSignal };

export async function openConsoleStream(options: ConsoleStreamOptions): Promise<Response> {
  const database = await getDatabase();
  if (database.pool) await ensureListening(database.pool);
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = 0;

  const send = () => {
    timer = undefined;
    if (closed || !controller) return;
    lastSent = Date.now();
    controller.enqueue(encoder.encode(`event: change\ndata: {}\n\n`));
  };
  const unsubscribe = subscribeAll(() => {
    if (timer) return;
    timer = setTimeout(send, Math.max(0, lastSent + options.minIntervalMs - Date.now()));
  });
  const heartbeat = setInterval(() => controller?.enqueue(encoder.encode(": heartbeat\n\n")), options.heartbeatSeconds * 1000);
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  };
  options.signal.addEventListener("abort", close);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode("retry: 5000\n\nevent: ready\ndata: {}\n\n"));
      if (options.signal.aborted) close();
    },
    cancel: () => close(),
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", "x-accel-buffering": "no" },
  });
}
