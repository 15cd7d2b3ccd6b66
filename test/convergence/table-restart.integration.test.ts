// The server-restart crash test (server-restart.integration.test.ts) with a table-backed type
// (docs/tables.md): SQL writers keep writing the team's captured table, in multi-row
// transactions, while a device pushes and the server restarts (on PostgreSQL its sessions are
// killed, writers' included, so transactions in flight roll back as in a crash). Afterwards every
// device, old and new, holds exactly the table's rows, and each stream's seqs run 1..head with
// none skipped or repeated and a fingerprint chain that recomputes. Outside writes become changes
// when the capture sequencer takes them after commit (server/capture/sequence.ts): each server
// runs its passes, as a started one does, and each stop leaves a committed write in the log that
// only the next server can sequence (the log is durable).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SEQUENCE_INTERVAL_MS, sequenceCaptured } from "@/server/capture/sequence";
import { sqlOf } from "@/server/db/sql";
import { clientSummary, makeClient } from "../support/sdk";
import { serverSummary } from "../support/replica";
import { testDbEngine, type TestDatabase } from "../support/database";
import { loadDemoTypes } from "../support/types";
import { expectMirrorConsistent, setUpVisits } from "../capture/support";
import { startRestartableServer, type RestartableServer } from "./restartable-server";

let server: RestartableServer;
/** Statements a restart cut (they were retried): proof the writers met the restarts. */
let cut = 0;
let restartsDone = false;
/** Ids of the rows written after a server's sequencer stopped, found in the log at that stop. */
const leftInLog: string[] = [];
let owner = "";
beforeAll(async () => {
  server = await startRestartableServer({ background: sequencer });
  await setUpVisits(server.db.prisma);
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

// Reopening PGlite's data directory takes seconds on the shared machine: one restart there.
const RESTARTS = testDbEngine() === "pglite" ? 1 : 3;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What startCaptureSequencer runs in a started server (server/startup.ts): a pass every
 * SEQUENCE_INTERVAL_MS while the last found nothing. Its stop waits for a pass in flight (closing
 * PGlite mid-query is no crash it recovers from) and then, while restarts go on, commits one more
 * outside write, which stays in the log for the next server.
 */
function sequencer(db: TestDatabase): () => Promise<void> {
  let stopped = false;
  const passes = (async () => {
    while (!stopped) {
      // A pass a restart cut rolls back; its log rows wait for the next pass.
      const took = await sequenceCaptured(db.prisma).catch(() => 0);
      if (took === 0) await pause(SEQUENCE_INTERVAL_MS);
    }
  })();
  return async () => {
    stopped = true;
    await passes;
    if (restartsDone || owner === "") return;
    const id = `stop-${leftInLog.length}`;
    const sql = sqlOf(db.prisma);
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ($1, $2, 'left in the log', 0)", [id, owner]);
    const [logged] = await sql<{ n: number }>("SELECT count(*)::int AS n FROM capture_log WHERE rows @> jsonb_build_array(jsonb_build_object('id', $1::text))", [id]);
    if (logged?.n === 1) leftInLog.push(id);
  };
}
const UPSERT_TWO = `INSERT INTO visits (id, owner_id, site, score) VALUES ($1, $3, $4, $5), ($2, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET site = EXCLUDED.site, score = EXCLUDED.score`;

/** Runs a statement on the server's current database, again after a restart cut it (a write whose
 * answer was lost may have committed or not: the table, read at the end, is the truth). */
async function retried(text: string, params: unknown[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sqlOf(server.db.prisma)(text, params);
      return;
    } catch (error) {
      if (attempt >= 40) throw error;
      cut++;
      await server.up();
      await pause(10);
    }
  }
}

/** One writer: upserts two rows per transaction, deleting one of its rows every fifth step; it
 * writes until the restarts are over, and `steps` times at least. */
async function sqlWriter(writer: number, owner: string, steps: number): Promise<void> {
  for (let k = 0; k < steps || !restartsDone; k++) {
    await pause(5);
    const a = `w${writer}-${k % 3}`;
    if (k % 5 === 4) await retried("DELETE FROM visits WHERE id = $1", [a]);
    else await retried(UPSERT_TWO, [a, `w${writer}-${(k + 1) % 3}`, owner, `site ${writer}.${k}`, k]);
  }
}

describe("a captured table written by SQL across server restarts", () => {
  it("ends with every device equal to the table, seqs 1..head with no gap or repeat", async () => {
    const owners = [`tr-a-${Date.now()}`, `tr-b-${Date.now()}`];
    const streams = owners.map((o) => `user:${o}`);
    owner = owners[0] ?? "";
    const device = await makeClient(server.url, owners[0] ?? "", { sleep: () => server.up() });
    await device.sync();
    const restarts = server.restarts;
    const restarter = (async () => {
      for (let i = 0; i < RESTARTS; i++) {
        await pause(150);
        await server.restart();
      }
      restartsDone = true;
    })();
    const pushes = (async () => {
      for (let i = 0; i < 6; i++) {
        await device.create("visit", { site: `pushed ${i}`, score: i });
        await device.sync().catch(() => {});
        await pause(40);
      }
    })();
    await Promise.all([restarter, pushes, ...[0, 1, 2, 3].map((w) => sqlWriter(w, owners[w % 2] ?? "", 25))]);
    expect(server.restarts).toBe(restarts + RESTARTS);
    expect(cut).toBeGreaterThan(0);
    expect(leftInLog).toHaveLength(RESTARTS);
    // The running server's sequencer takes what is left, the stops' writes included (a wait for
    // its passes, not a deadline on them).
    const sql = sqlOf(server.db.prisma);
    await vi.waitFor(async () => expect(await sql("SELECT 1 FROM capture_log LIMIT 1")).toEqual([]), { timeout: 60_000, interval: 50 });
    expect((await sql<{ id: string; version: number }>("SELECT id, version FROM records WHERE id = ANY($1::text[]) ORDER BY id", [leftInLog])))
      .toEqual(leftInLog.map((id) => ({ id, version: 1 })));

    await device.sync();
    const fresh = await makeClient(server.url, owners[1] ?? "");
    await fresh.sync();
    for (const [owner, client] of [[owners[0], device], [owners[1], fresh]] as const) {
      const rows = await sql<{ id: string; site: string; score: number }>(
        "SELECT id, site, score::float8 AS score FROM visits WHERE owner_id = $1 ORDER BY id", [owner]);
      const seen = (await client.list("visit")).map((r) => ({ id: r.id, site: r.data.site, score: r.data.score })).sort((x, y) => (x.id < y.id ? -1 : 1));
      expect(seen).toEqual(rows);
      expect(rows.length).toBeGreaterThan(0);
    }
    expect(await device.pendingCount()).toBe(0);
    expect(await clientSummary(device)).toEqual(await serverSummary(server.db.prisma, [streams[0] ?? ""]));
    await expectMirrorConsistent(sql);
  });
});
