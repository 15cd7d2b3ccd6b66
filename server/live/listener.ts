// Cross-instance delivery on PostgreSQL: one dedicated connection per process LISTENs on the live
// channel and hands other processes' announcements to the hub. Started by the first live-update
// connection. A lost connection is re-established with backoff; announcements missed meanwhile
// are made up by re-reading the heads of every subscribed stream. Stops for good when the pool
// it belongs to is closed (shutdown, or a test database removed).
import pg from "pg";
import { logger } from "../log";
import { processSingleton } from "../process-singleton";
import { LIVE_CHANNEL, publishLocally, receiveAnnouncement, subscribedStreams } from "./hub";

type ListenerState = { pool: pg.Pool; client: pg.Client | null; ready: Promise<void> };

declare module "../process-singleton" {
  interface ProcessSingletons {
    liveListener: { current: ListenerState | undefined };
  }
}
const slot = () => processSingleton("liveListener", () => ({ current: undefined }));

/** Resolves once this process hears announcements of every process on the pool's database. */
export function ensureListening(pool: pg.Pool): Promise<void> {
  const current = slot().current;
  if (current?.pool === pool) return current.ready;
  void current?.client?.end().catch(() => {});
  const state: ListenerState = { pool, client: null, ready: Promise.resolve() };
  state.ready = connect(state, false);
  slot().current = state;
  state.ready.catch(() => {
    if (slot().current === state) slot().current = undefined;
  });
  return state.ready;
}

async function connect(state: ListenerState, resync: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: state.pool.options.connectionString });
  let lost = false;
  const onLost = (error?: Error) => {
    if (lost) return;
    lost = true;
    state.client = null;
    void client.end().catch(() => {});
    if (state.pool.ended || slot().current !== state) return;
    logger.warn({ err: error }, "live: LISTEN connection lost; reconnecting");
    scheduleReconnect(state, 500);
  };
  client.on("error", onLost);
  client.on("end", () => onLost());
  client.on("notification", (message) => {
    if (message.channel === LIVE_CHANNEL && message.payload) receiveAnnouncement(message.payload);
  });
  await client.connect();
  await client.query(`LISTEN ${LIVE_CHANNEL}`);
  state.client = client;
  if (resync) await publishCurrentHeads(state.pool);
}

function scheduleReconnect(state: ListenerState, delayMs: number): void {
  setTimeout(() => {
    if (state.pool.ended || slot().current !== state) return;
    connect(state, true).catch(() => scheduleReconnect(state, Math.min(delayMs * 2, 10_000)));
  }, delayMs).unref();
}

/** After a gap in listening: announce every subscribed stream's head (connections skip no-news). */
async function publishCurrentHeads(pool: pg.Pool): Promise<void> {
  const streams = subscribedStreams();
  if (streams.length === 0) return;
  const { rows } = await pool.query<{ name: string; head_seq: string }>(
    "SELECT name, head_seq FROM streams WHERE name = ANY($1::text[])", [streams],
  );
  publishLocally(Object.fromEntries(rows.map((r) => [r.name, Number(r.head_seq)])));
}
