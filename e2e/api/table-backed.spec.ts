// Issue 17's "done when", through the production server: a PostgreSQL database whose `visits` table
// the team created, a config that maps `visit` to it (examples/visit-table.config.json). A device
// pushes a visit that appears as a row; an UPDATE and a DELETE made with plain SQL reach the device
// on its next pull, attributed to SQL.
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, type TChange } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";
import { AppInstance, createScratchDatabase, freePort, withClient, type ScratchDatabase } from "../support/instances";

let database: ScratchDatabase | undefined;
let server: AppInstance | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createScratchDatabase("tables");
  // The team's own migration, before Syncdesk starts (the start checks the table).
  await withClient(database.url, (client) => client.query(`CREATE TABLE visits (
    id text PRIMARY KEY, owner_id text NOT NULL,
    site text NOT NULL, score numeric NOT NULL, tags jsonb, visits integer, status text, note text)`));
  server = new AppInstance({ port: await freePort(), databaseUrl: database.url, env: { SYNCDESK_CONFIG: "./examples/visit-table.config.json" } });
  await server.start();
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

test("a pushed visit becomes a row, and SQL updates and deletes of rows reach the device", async ({ request, deviceJwt }) => {
  if (!server || !database) throw new Error("the server did not start");
  const url = server.url;
  const userId = `inspector-${Date.now()}`;
  const jwt = await deviceJwt(userId);
  const post = async (route: string, data: unknown) => {
    const answer = await request.post(`${url}/api/v1/sync/${route}`, { headers: { authorization: `Bearer ${jwt}` }, data });
    expect(answer.status(), `${route}: ${await answer.text()}`).toBe(200);
    return answer.json() as Promise<unknown>;
  };
  const { token } = ZBootstrapResponse.parse(await post("bootstrap", { device_id: "tablet" }));
  const pushed = ZPushResponse.parse(await post("push", { device_id: "tablet", bundle_id: 1, items: [
    { type: "visit", id: "v-1", action: "create", data: { site: "North yard", score: 4, tags: ["roof"] } },
    { type: "visit", id: "v-2", action: "create", data: { site: "South yard", score: 2 } },
  ] }));
  expect(pushed.results.map((r) => r.status)).toEqual(["ok", "ok"]);
  const rows = await withClient(database.url, (client) => client.query<{ id: string; owner_id: string; site: string; score: string }>(
    "SELECT id, owner_id, site, score::text FROM visits ORDER BY id"));
  expect(rows.rows).toEqual([
    { id: "v-1", owner_id: userId, site: "North yard", score: "4" },
    { id: "v-2", owner_id: userId, site: "South yard", score: "2" },
  ]);

  await withClient(database.url, async (client) => {
    await client.query("UPDATE visits SET status = 'closed', score = 5 WHERE id = 'v-1'");
    await client.query("DELETE FROM visits WHERE id = 'v-2'");
  });
  // The server's sequencer takes SQL writes within about 50 ms of their commit: a device sees them
  // on its next pull (docs/tables.md "What is captured").
  let page = ZPullResponse.parse(await post("pull", { token }));
  await expect.poll(async () => {
    page = ZPullResponse.parse(await post("pull", { token }));
    return page.changes.length;
  }, { timeout: 10_000 }).toBe(4);
  const byId = (changes: TChange[], id: string) => changes.filter((c) => c.id === id).map((c) => ({ op: c.op, version: c.version, data: c.data }));
  expect(byId(page.changes, "v-1")).toEqual([
    { op: "upsert", version: 1, data: { site: "North yard", score: 4, tags: ["roof"], note: "" } },
    { op: "upsert", version: 2, data: { site: "North yard", score: 5, tags: ["roof"], note: "", status: "closed" } },
  ]);
  expect(byId(page.changes, "v-2").map((c) => c.op)).toEqual(["upsert", "delete"]);
  const sources = await withClient(database.url, (client) => client.query<{ source: string }>(
    "SELECT source FROM changes WHERE type = 'visit' ORDER BY seq"));
  expect(sources.rows.map((r) => r.source.split(":")[0])).toEqual(["device", "device", "sql", "sql"]);
});
