// A live-update connection (docs/protocol.md "Live"): Server-Sent Events telling a device that its
// streams moved, so it pulls now instead of at its next poll.
//   1. Checked on connect like a pull: the token's position must still be pullable (412 if not).
//   2. Subscribe first, then read the heads, so no commit falls between the two. `ready` carries
//      the heads; a `poke` follows at once for streams the token is behind on.
//   3. Every commit on one of the device's streams pokes with `{streams: {name: head}}`. Pokes
//      wait in one map per connection (a head per stream, newest wins) while the client is slow:
//      memory stays bounded by the number of its streams, whatever the write rate.
//   4. A comment line every LIVE_HEARTBEAT_SECONDS keeps proxies from closing an idle connection.
//   5. A disconnect (abort or cancel) unsubscribes and stops the timer.
//   6. At most LIVE_MAX_CONNECTIONS_PER_DEVICE connections per device and
//      LIVE_MAX_CONNECTIONS_PER_USER per user (device ids are the client's choice) on this
//      instance: a new one ends the oldest with a last `closed` event, `{reason: "replaced"}`.
import type { Db } from "../db/client";
import { getDatabase } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { admitLiveConnection } from "../limits/live-connections";
import { metrics } from "../metrics/registry";
import { checkPosition, cursorsFor } from "../sync/pull";
import type { PullPosition } from "../sync/tokens";
import { subscribe, type Heads } from "./hub";
import { ensureListening } from "./listener";

const encoder = new TextEncoder();
const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export type LiveOptions = { heartbeatSeconds: number; signal: AbortSignal };

async function readHeads(db: Db, streams: readonly string[]): Promise<Heads> {
  const rows = await db.stream.findMany({ where: { name: { in: [...streams] } }, select: { name: true, headSeq: true } });
  const found = new Map(rows.map((r) => [r.name, Number(r.headSeq)]));
  return Object.fromEntries(streams.map((s) => [s, found.get(s) ?? 0]));
}

export async function openLiveStream(db: Db, device: DeviceContext, position: PullPosition, options: LiveOptions): Promise<Response> {
  // 1
  const cursors = cursorsFor(device, position);
  await checkPosition(db, position, cursors);
  const database = await getDatabase();
  if (database.pool) await ensureListening(database.pool);

  const sent: Heads = {};
  const pending: Heads = {};
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let started = false;
  let closed = false;
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    if (closed || !started || !controller || (controller.desiredSize ?? 0) <= 0) return;
    const news = Object.fromEntries(Object.entries(pending).filter(([s, head]) => head > (sent[s] ?? 0)));
    for (const stream of Object.keys(pending)) delete pending[stream];
    if (Object.keys(news).length === 0) return;
    Object.assign(sent, news);
    controller.enqueue(frame("poke", { streams: news }));
    metrics().pokes.inc();
  };
  const schedule = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    setTimeout(flush, 0);
  };
  // 2-3
  const unsubscribe = subscribe(device.streams, (heads) => {
    for (const [stream, head] of Object.entries(heads)) pending[stream] = Math.max(pending[stream] ?? 0, head);
    schedule();
  });
  // 4
  const heartbeat = setInterval(() => {
    if (!closed && controller && (controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(": heartbeat\n\n"));
  }, options.heartbeatSeconds * 1000);
  // 5
  let release: (() => void) | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    release?.();
    unsubscribe();
    clearInterval(heartbeat);
    options.signal.removeEventListener("abort", close);
    metrics().liveConnections.dec();
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  };
  options.signal.addEventListener("abort", close);
  metrics().liveConnections.inc();

  let heads: Heads;
  try {
    heads = await readHeads(db, device.streams);
  } catch (error) {
    close();
    throw error;
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        c.enqueue(encoder.encode("retry: 3000\n\n"));
        c.enqueue(frame("ready", { streams: heads }));
        Object.assign(sent, Object.fromEntries([...cursors].map(([s, seq]) => [s, seq])));
        for (const [s, head] of Object.entries(heads)) pending[s] = Math.max(pending[s] ?? 0, head);
        started = true;
        if (options.signal.aborted) close();
        else schedule();
      },
      pull: () => flush(),
      cancel: () => close(),
    },
    new CountQueuingStrategy({ highWaterMark: 16 }),
  );
  // 6 (a connection that already ended has nothing to register)
  const replace = () => {
    if (!closed && started) controller?.enqueue(frame("closed", { reason: "replaced" }));
    close();
  };
  if (!closed) {
    const releases = [
      admitLiveConnection(device.deviceRef, env().LIVE_MAX_CONNECTIONS_PER_DEVICE, replace),
      admitLiveConnection(`user:${device.userId}`, env().LIVE_MAX_CONNECTIONS_PER_USER, replace),
    ];
    release = () => releases.forEach((r) => r());
  }
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
