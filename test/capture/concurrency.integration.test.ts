// Deliver 4 of issue 17: several connections writing the team's table by plain SQL (inserts,
// updates, moves between streams, deletes) while devices push and pull. In the end every device
// holds exactly the table's rows of its stream, every stream's seqs run 1..head with none skipped
// or repeated, and each device received each seq of its stream exactly once. The sequencer runs
// as on a started server, and device pushes that meet an outside write it has not taken yet run
// again after it (sequencer.integration.test.ts shows commit order across connections). On
// PGlite the same writers interleave through its single connection.
import { afterAll, beforeAll, expect, it } from "vitest";
import { drainCaptured, startCaptureSequencer } from "@/server/capture/sequence";
import { engineOf, type Sql } from "@/server/db/sql";
import type { TChange } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import type { TestServer } from "../support/server";
import { bootstrapAll, pullAll, push } from "../support/sync-client";
import { loadDemoTypes } from "../support/types";
import { expectMirrorConsistent, startVisitsServer } from "./support";

let server: TestServer;
let sql: Sql;
let stopSequencer: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ server, sql } = await startVisitsServer());
  // As a started server does (server/startup.ts): outside writes become changes after commit.
  stopSequencer = startCaptureSequencer(server.db.prisma);
});
afterAll(async () => {
  await stopSequencer();
  await server?.close();
  await loadDemoTypes();
});

const OWNERS = ["alice", "bob"];
const SQL_WRITERS = 6;
const SQL_TRANSACTIONS = 15;
const DEVICE_ROUNDS = 6;

/** A small seeded generator, so a failure replays the same interleaving of choices. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

type Local = { changes: TChange[]; token: string; rows: Map<string, { version: number; data: Record<string, unknown> }> };

async function sync(device: TestDevice, local: Local): Promise<void> {
  const pulled = await pullAll(device, local.token);
  local.token = pulled.token;
  for (const change of pulled.pages.flatMap((p) => p.changes)) {
    local.changes.push(change);
    if (change.op === "delete") local.rows.delete(change.id);
    else local.rows.set(change.id, { version: change.version, data: change.data ?? {} });
  }
}

async function sqlWriter(writer: number): Promise<void> {
  const pick = random(writer + 1);
  for (let t = 0; t < SQL_TRANSACTIONS; t++) {
    const ids = [`w${writer}-${pick(10)}`, `w${writer}-${pick(10)}`].sort();
    await engineOf(server.db.prisma).transaction(async (tx) => {
      // A statement over all the writer's rows: flushes of several streams, long enough to overlap.
      await tx("UPDATE visits SET note = $2 WHERE id LIKE $1", [`w${writer}-%`, `t${t}`]);
      for (const id of ids) {
        const owner = OWNERS[pick(2)];
        switch (pick(4)) {
          case 0:
            await tx("DELETE FROM visits WHERE id = $1", [id]);
            break;
          case 1: // moves the row to the other owner's stream when it exists
            await tx("UPDATE visits SET owner_id = $2 WHERE id = $1", [id, owner]);
            break;
          default:
            await tx(`INSERT INTO visits (id, owner_id, site, score, visits) VALUES ($1, $2, 'sql', $3, 1)
                      ON CONFLICT (id) DO UPDATE SET score = EXCLUDED.score, visits = visits.visits + 1`, [id, owner, pick(100) / 4]);
        }
      }
    });
  }
}

async function deviceLoop(device: TestDevice, local: Local, seed: number): Promise<void> {
  const pick = random(seed);
  for (let round = 0; round < DEVICE_ROUNDS; round++) {
    const mine = [...local.rows.entries()];
    const target = mine[pick(mine.length + 1)];
    const item = target && pick(3) === 0
      ? { type: "visit", id: target[0], action: "update" as const, base_version: target[1].version, data: { site: "device", score: pick(50), note: `r${round}` } }
      : { type: "visit", action: "create" as const, data: { site: "device", score: pick(50) } };
    await push(device, round + 1, [item]);
    await sync(device, local);
  }
}

it("keeps every device equal to the table while SQL writers and devices race", async () => {
  const devices = await Promise.all(OWNERS.flatMap((owner) => [makeDevice(server.url, owner), makeDevice(server.url, owner)]));
  const locals: Local[] = [];
  for (const device of devices) locals.push({ changes: [], token: (await bootstrapAll(device)).token, rows: new Map() });

  await Promise.all([
    ...Array.from({ length: SQL_WRITERS }, (_, w) => sqlWriter(w)),
    ...devices.map((device, i) => deviceLoop(device, locals[i] as Local, 100 + i)),
  ]);
  await drainCaptured(server.db.prisma);
  for (const [i, device] of devices.entries()) await sync(device, locals[i] as Local);

  const table = await sql<{ id: string; owner_id: string; data: Record<string, unknown> }>(`
    SELECT id, owner_id, (SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM jsonb_each(to_jsonb(v) - 'id' - 'owner_id' - 'site_ref') WHERE value <> 'null') AS data
    FROM visits v`);
  expect(table.length).toBeGreaterThan(10);
  for (const [i, device] of devices.entries()) {
    const local = locals[i] as Local;
    const expected = Object.fromEntries(table.filter((r) => r.owner_id === device.userId).map((r) => [r.id, r.data]));
    expect(Object.fromEntries([...local.rows].map(([id, r]) => [id, r.data]))).toEqual(expected);
    const [head] = await sql<{ head: string }>("SELECT head_seq::text AS head FROM streams WHERE name = $1", [`user:${device.userId}`]);
    expect(local.changes.map((c) => c.seq)).toEqual(Array.from({ length: Number(head?.head) }, (_, k) => k + 1));
  }
  await expectMirrorConsistent(sql);
}, 300_000);
