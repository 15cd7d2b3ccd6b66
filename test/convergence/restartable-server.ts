// A test server that restarts the way a deployment does, on data that outlives it: the HTTP
// server stops (open connections are cut, so answers in flight are lost), the database is closed
// (PGlite's data directory on disk, or the PostgreSQL pool; on PostgreSQL the server's sessions are
// killed first, so a transaction still running rolls back as it would in a crash), then the same
// data is opened again (migrations checked as at boot) and served on the same port. Between the
// two, devices meet refused connections. The Node process itself stays: module-level state of the
// app (in-process live hub, caches) survives, which a real restart would lose. The in-process
// test server runs none of a started server's background passes (server/startup.ts); a test that
// needs one gives it as `background`: started with each server on its database, stopped before
// that server closes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "@/server/db/client";
import { openPgSession } from "@/server/db/sql-session";
import { createPgDatabase, testDbEngine, type TestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";

export type RestartableServer = TestServer & {
  /** Stops and starts again on the same data and port; calls during a restart share it. */
  restart(): Promise<void>;
  /** Resolves once the server is serving (at once unless a restart is under way). */
  up(): Promise<void>;
  readonly restarts: number;
  /** Milliseconds spent restarting, in all (down until up again). */
  readonly restartMs: number;
};

/** Data that survives closing its connections: opened again and again, removed at the end. */
type DurableData = { open(): Promise<TestDatabase>; crash(): Promise<void>; remove(): Promise<void> };

async function durableData(): Promise<DurableData> {
  if (testDbEngine() === "pglite") {
    const dir = mkdtempSync(path.join(tmpdir(), "syncdesk-restart-"));
    return {
      open: async () => ({ ...(await openDatabase({ dataDir: dir })), name: `pglite_${path.basename(dir)}` }),
      // PGlite runs inside this process: closing it mid-query is not a crash it could recover
      // from, so its restart lets running requests finish (their answers are lost all the same).
      crash: async () => {},
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const created = await createPgDatabase();
  return {
    open: async () => ({ ...(await openDatabase({ url: created.url })), name: created.name, url: created.url }),
    crash: async () => {
      const session = await openPgSession(created.url);
      try {
        await session.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [created.name]);
      } finally {
        await session.close();
      }
    },
    remove: created.drop,
  };
}

/** A background pass a started server runs on its database; returns its (awaited) stop. */
export type Background = (db: TestDatabase) => () => Promise<void>;

export async function startRestartableServer(options: { background?: Background } = {}): Promise<RestartableServer> {
  const data = await durableData();
  const serve = async (port?: number) => {
    const server = await startTestServer({ database: await data.open(), port, drain: true });
    return { server, stop: options.background?.(server.db) ?? (async () => {}) };
  };
  let { server: current, stop: stopBackground } = await serve();
  const port = Number(new URL(current.url).port);
  let restarting: Promise<void> | null = null;
  let restarts = 0;
  let restartMs = 0;

  const restart = (): Promise<void> => {
    restarting ??= (async () => {
      const started = Date.now();
      await stopBackground();
      // close() cuts the connections and stops listening before its first await; the crash then
      // hits requests still running, and close() waits for them before closing the database.
      const closing = current.close();
      await data.crash();
      await closing;
      ({ server: current, stop: stopBackground } = await serve(port));
      restarts++;
      restartMs += Date.now() - started;
    })().finally(() => {
      restarting = null;
    });
    return restarting;
  };

  return {
    url: current.url,
    get db() {
      return current.db;
    },
    get restarts() {
      return restarts;
    },
    get restartMs() {
      return restartMs;
    },
    restart,
    up: () => restarting ?? Promise.resolve(),
    close: async () => {
      await restarting?.catch(() => {});
      try {
        await stopBackground();
        await current.close();
      } finally {
        await data.remove();
      }
    },
  };
}
