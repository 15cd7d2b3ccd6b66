// The database side of the tus locker: one session that takes and releases advisory locks (they
// belong to the session, so it must be one connection) and carries release requests between
// instances. PostgreSQL: a dedicated connection, opened while this process holds or wants a lock
// and closed when it has been idle a while; it LISTENs for other instances' release requests.
// The embedded database: its single session through Prisma, and no other instance to notify.
import pg from "pg";
import type { Db } from "../db/client";
import { logger } from "../log";

export const TUS_LOCK_CHANNEL = "syncdesk_tus_lock";
/** One advisory-lock key space per purpose: hash of a prefixed id, so keys never collide with the migrator's. */
const KEY_SQL = "hashtextextended('tus:' || $1::text, 0)";
const IDLE_CLOSE_MS = 10_000;

export interface LockSession {
  tryLock(id: string): Promise<boolean>;
  unlock(id: string): Promise<void>;
  /** Asks whichever instance holds `id` to release it. */
  requestRelease(id: string): Promise<void>;
  onReleaseRequested(listener: (id: string) => void): void;
  /** The connection (and with it every advisory lock) was lost. */
  onLost(listener: () => void): void;
  close(): Promise<void>;
}

export function pgliteLockSession(db: Db): LockSession {
  const query = async (sql: string, id: string) => {
    const rows = await db.$queryRawUnsafe<Array<{ ok: boolean }>>(sql, id);
    return rows[0]?.ok === true;
  };
  return {
    tryLock: (id) => query(`SELECT pg_try_advisory_lock(${KEY_SQL}) AS ok`, id),
    unlock: async (id) => {
      await query(`SELECT pg_advisory_unlock(${KEY_SQL}) AS ok`, id);
    },
    requestRelease: async () => {},
    onReleaseRequested: () => {},
    onLost: () => {},
    close: async () => {},
  };
}

export function pgLockSession(connectionString: string): LockSession {
  const releaseListeners: Array<(id: string) => void> = [];
  const lostListeners: Array<() => void> = [];
  const held = new Set<string>();
  let client: Promise<pg.Client> | null = null;
  let pending = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const drop = (which: Promise<pg.Client>, lost: boolean) => {
    if (client !== which) return;
    client = null;
    void which.then((c) => c.end()).catch(() => {});
    if (lost && held.size > 0) {
      held.clear();
      logger.warn("tus: lock connection lost; holders asked to stop");
      for (const listener of lostListeners) listener();
    }
  };

  const connect = (): Promise<pg.Client> => {
    if (closed) return Promise.reject(new Error("lock session closed"));
    if (client) return client;
    const c = new pg.Client({ connectionString });
    const opening: Promise<pg.Client> = (async () => {
      c.on("error", () => drop(opening, true));
      c.on("end", () => drop(opening, true));
      c.on("notification", (message) => {
        if (message.channel !== TUS_LOCK_CHANNEL || !message.payload || !held.has(message.payload)) return;
        for (const listener of releaseListeners) listener(message.payload);
      });
      await c.connect();
      await c.query(`LISTEN ${TUS_LOCK_CHANNEL}`);
      return c;
    })();
    client = opening;
    opening.catch(() => drop(opening, false));
    return opening;
  };

  /** Runs one statement on the session, keeping the connection open while anything is held. */
  const run = async (sql: string, id: string): Promise<boolean> => {
    clearTimeout(idleTimer);
    pending += 1;
    try {
      const c = await connect();
      const result = await c.query<{ ok: boolean | null }>(sql, [id]);
      return result.rows[0]?.ok === true;
    } finally {
      pending -= 1;
      if (pending === 0 && held.size === 0 && client) {
        const idle = client;
        idleTimer = setTimeout(() => {
          if (pending === 0 && held.size === 0) drop(idle, false);
        }, IDLE_CLOSE_MS);
        idleTimer.unref();
      }
    }
  };

  return {
    tryLock: async (id) => {
      const ok = await run(`SELECT pg_try_advisory_lock(${KEY_SQL}) AS ok`, id);
      if (ok) held.add(id);
      return ok;
    },
    unlock: async (id) => {
      // A lock lost with its connection is already released; unlocking it again is a no-op.
      if (!held.delete(id)) return;
      await run(`SELECT pg_advisory_unlock(${KEY_SQL}) AS ok`, id);
    },
    requestRelease: async (id) => {
      await run(`SELECT pg_notify('${TUS_LOCK_CHANNEL}', $1::text) IS NULL AS ok`, id);
    },
    onReleaseRequested: (listener) => void releaseListeners.push(listener),
    onLost: (listener) => void lostListeners.push(listener),
    close: async () => {
      closed = true;
      clearTimeout(idleTimer);
      const current = client;
      client = null;
      held.clear();
      if (current) await current.then((c) => c.end()).catch(() => {});
    },
  };
}
