// A live-update connection (docs/protocol.md "Live"): Server-Sent Events telling a device that its
// streams moved, so it pulls now instead of at its next poll.
//   1. Checked on connect like a pull: the token's position must still be pullable (412 if not).
//   2. Subscribe first, then read the heads, so no commit falls between the two. `ready` carries
//      the heads; a `poke` follows at once for streams the token is behind on.
//   3. Every commit on one of the device's streams pokes with `{streams: {name: head}}`. Pokes
//      wait in one map per connection (a head per stream, newest wins) while the client is slow:
//      memory stays bounded by the number of its streams, whatever the write rate
//      (connection.ts); one flush pass per event-loop turn writes them (connections.ts).
//   4. A comment line every LIVE_HEARTBEAT_SECONDS keeps proxies from closing an idle connection
//      (one timer for all connections).
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
import { LiveConnection, sseFrame } from "./connection";
import { joinHeartbeat } from "./connections";
import { subscribe, type Heads } from "./hub";
import { ensureListening } from "./listener";

const RETRY = new TextEncoder().encode("retry: 3000\n\n");

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

  // 2-3
  const connection = new LiveConnection();
  const unsubscribe = subscribe(device.streams, (heads) => connection.advance(heads));
  // 4
  const leaveHeartbeat = joinHeartbeat(connection, options.heartbeatSeconds);
  // 5
  let release: (() => void) | undefined;
  const close = () => {
    if (connection.closed) return;
    release?.();
    unsubscribe();
    leaveHeartbeat();
    options.signal.removeEventListener("abort", close);
    metrics().liveConnections.dec();
    connection.end();
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
      start(controller) {
        connection.advance(heads);
        connection.start(controller, [RETRY, sseFrame("ready", { streams: heads })], Object.fromEntries(cursors));
        if (options.signal.aborted) close();
      },
      pull: () => connection.pulled(),
      cancel: () => close(),
    },
    new CountQueuingStrategy({ highWaterMark: 16 }),
  );
  connection.carriedBy(stream);
  // 6 (a connection that already ended has nothing to register)
  const replace = () => {
    connection.send(sseFrame("closed", { reason: "replaced" }));
    close();
  };
  if (!connection.closed) {
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
