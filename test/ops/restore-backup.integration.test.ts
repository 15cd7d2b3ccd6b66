// Issue 19's reproduction with a real backup and restore on each engine: pg_dump and
// pg_restore --clean on PostgreSQL; on the embedded database, a copy of its data directory put back
// while the server is stopped (the "any restore of the embedded database's directory").
// A1 is in the backup; A pulls A2 and A3; the backup is restored; B writes. A's next pull is 412
// history_diverged, and after a bootstrap A holds what the server holds. With the SDK, A heals:
// A2 and A3 go back to the server, and A and B both show A1, A2, A3, B1 and B2.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openDatabase } from "@/server/db/client";
import { testDbEngine } from "../support/database";
import { makeDevice } from "../support/device";
import { clientSummary, makeClient } from "../support/sdk";
import { Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, freshToken, memo, pullAll, push } from "../support/sync-client";

const run = promisify(execFile);
const STREAM = "user:alice";
let scratch = "";

/** A server whose database can be backed up and restored as an operator would. */
type Backed = { server: () => TestServer; backup(): Promise<void>; restore(): Promise<void>; close(): Promise<void> };

async function onPostgres(): Promise<Backed> {
  const server = await startTestServer();
  const url = server.db.url;
  if (!url) throw new Error("a PostgreSQL test database has a URL");
  const dump = path.join(scratch, "syncdesk.dump");
  return {
    server: () => server,
    backup: async () => void (await run("pg_dump", ["--format=custom", `--file=${dump}`, url])),
    restore: async () => void (await run("pg_restore", ["--clean", "--if-exists", "--single-transaction", `--dbname=${url}`, dump])),
    close: () => server.close(),
  };
}

async function onPglite(): Promise<Backed> {
  const dir = path.join(scratch, "data");
  const copy = path.join(scratch, "copy");
  const serve = async (port?: number) => startTestServer({ database: { ...(await openDatabase({ dataDir: dir })), name: "pglite_backup" }, port });
  let server = await serve();
  const port = Number(new URL(server.url).port);
  // The embedded database is one process's files: copied and put back while no server has them open.
  const stopped = async (work: () => void) => {
    await server.close();
    work();
    server = await serve(port);
  };
  return {
    server: () => server,
    backup: () => stopped(() => cpSync(dir, copy, { recursive: true })),
    restore: () => stopped(() => {
      rmSync(dir, { recursive: true, force: true });
      cpSync(copy, dir, { recursive: true });
    }),
    close: () => server.close(),
  };
}

let backed: Backed | undefined;
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "syncdesk-backup-"));
});
afterEach(async () => {
  await backed?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const create = (id: string) => ({ type: "memo", id, action: "create" as const, data: memo(id) });

it(`after a backup is restored mid-workload on ${testDbEngine()}, a device past the backup is told history_diverged`, async () => {
  backed = testDbEngine() === "postgres" ? await onPostgres() : await onPglite();
  const url = backed.server().url;
  const a = await makeDevice(url, "alice");
  const b = await makeDevice(url, "alice");
  const start = await freshToken(a);
  await freshToken(b);
  await push(a, 1, [create("A1")]);
  await backed.backup();
  await push(a, 2, [create("A2"), create("A3")]);
  const tokenA = (await pullAll(a, start)).token;

  await backed.restore();
  await push(b, 1, [create("B1"), create("B2")]);

  const refused = await a.call("POST", "/api/v1/sync/pull", { token: tokenA });
  expect(refused.status).toBe(412);
  expect(refused.body).toMatchObject({ error: { code: "bootstrap_required", details: { reason: "history_diverged" } } });

  const replica = new Replica();
  (await bootstrapAll(a)).pages.forEach((items) => replica.applyRecords(items));
  expect([...replica.rows.keys()].sort()).toEqual(["A1", "B1", "B2"].map((id) => `${STREAM}/memo/${id}`));
  expect(replica.summary()).toEqual(await serverSummary(backed.server().db.prisma, [STREAM]));
});

it(`the issue's five steps with SDK devices on ${testDbEngine()}: A is told history_diverged, heals, and A and B converge on A1-A3, B1, B2`, async () => {
  backed = testDbEngine() === "postgres" ? await onPostgres() : await onPglite();
  const url = backed.server().url;
  const [a, b] = [await makeClient(url, "alice"), await makeClient(url, "alice")];
  const note = (content: string) => ({ content, tags: [], pinned: false });
  await a.create("memo", note("A1"), { id: "A1" });
  await a.sync();
  await b.sync();
  await backed.backup();
  await a.create("memo", note("A2"), { id: "A2" });
  await a.create("memo", note("A3"), { id: "A3" });
  await a.sync();

  await backed.restore();
  await b.create("memo", note("B1"), { id: "B1" });
  await b.create("memo", note("B2"), { id: "B2" });
  await b.sync();
  const reasons: (string | null)[] = [];
  a.on("bootstrap", (e) => reasons.push(e.reason));
  expect(await a.sync()).toMatchObject({ bootstrapped: true, recovered: 2 });
  expect(reasons).toEqual(["history_diverged"]);
  await b.sync();

  const expected = await serverSummary(backed.server().db.prisma, [STREAM]);
  expect(expected.map((r) => r.key)).toEqual(["A1", "A2", "A3", "B1", "B2"].map((id) => `${STREAM}/memo/${id}`));
  expect(await clientSummary(a)).toEqual(expected);
  expect(await clientSummary(b)).toEqual(expected);
});
