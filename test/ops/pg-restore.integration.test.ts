// Issue 19's reproduction with the real tools, on PostgreSQL: pg_dump after A1, pg_restore --clean
// after A pulled A2 and A3, then B writes. A's next pull is 412 history_diverged, and after a
// bootstrap A holds what the server holds. (PGlite has no pg_dump; test/sync/history-diverged
// covers the same story on both engines with a logical restore.)
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect, it } from "vitest";
import { testDbEngine } from "../support/database";
import { makeDevice, type TestDevice } from "../support/device";
import { Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, freshToken, memo, pullAll, push } from "../support/sync-client";

const run = promisify(execFile);
const onPostgres = testDbEngine() === "postgres";
const STREAM = "user:alice";

let server: TestServer;
let dir: string;

beforeEach(async () => {
  if (!onPostgres) return;
  server = await startTestServer();
  dir = mkdtempSync(path.join(tmpdir(), "syncdesk-dump-"));
});
afterEach(async () => {
  if (!onPostgres) return;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const create = (id: string) => ({ type: "memo", id, action: "create" as const, data: memo(id) });

it.runIf(onPostgres)("after pg_dump and pg_restore mid-workload, a device past the dump is told history_diverged", async () => {
  const url = server.db.url;
  if (!url) throw new Error("a PostgreSQL test database has a URL");
  const a: TestDevice = await makeDevice(server.url, "alice");
  const b: TestDevice = await makeDevice(server.url, "alice");
  const start = await freshToken(a);
  await freshToken(b);
  await push(a, 1, [create("A1")]);
  const dump = path.join(dir, "syncdesk.dump");
  await run("pg_dump", ["--format=custom", `--file=${dump}`, url]);
  await push(a, 2, [create("A2"), create("A3")]);
  const tokenA = (await pullAll(a, start)).token;

  await run("pg_restore", ["--clean", "--if-exists", "--single-transaction", `--dbname=${url}`, dump]);
  await push(b, 1, [create("B1"), create("B2")]);

  const refused = await a.call("POST", "/api/v1/sync/pull", { token: tokenA });
  expect(refused.status).toBe(412);
  expect(refused.body).toMatchObject({ error: { code: "bootstrap_required", details: { reason: "history_diverged" } } });

  const replica = new Replica();
  (await bootstrapAll(a)).pages.forEach((items) => replica.applyRecords(items));
  expect([...replica.rows.keys()].sort()).toEqual(["A1", "B1", "B2"].map((id) => `${STREAM}/memo/${id}`));
  expect(replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM]));
});
