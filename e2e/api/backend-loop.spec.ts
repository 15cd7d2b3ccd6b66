// Issue 16's loop, end to end with real processes: a server started with the seed's config (its
// submission goes draft -> submitted -> approved), a key made by `npm run key:create`, and the
// example backend (examples/backend/approve-submissions.mjs) running as a child process. A device
// pushes a submission; the backend reads it from the change feed and approves it through the server
// API; the device pulls `approved`, written by the backend's writer.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, type TChange } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";
import { AppInstance, createScratchDatabase, freePort, withClient, type ScratchDatabase } from "../support/instances";

let database: ScratchDatabase | undefined;
let server: AppInstance | undefined;
let backend: ChildProcess | undefined;
const backendLog: string[] = [];

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createScratchDatabase("backend");
  server = new AppInstance({ port: await freePort(), databaseUrl: database.url, env: { SYNCDESK_CONFIG: "./examples/seed-001.config.json" } });
  await server.start();
  // The key exactly as a team makes one.
  const made = spawnSync("npm", ["run", "--silent", "key:create", "--", "--name", "approver", "--scopes", "read,write", "--streams", "user:*"], {
    env: { ...process.env, DATABASE_URL: database.url }, encoding: "utf8",
  });
  const key = /Key \(shown once[^)]*\): (sdk_\S+)/.exec(made.stdout)?.[1];
  if (!key) throw new Error(`key:create printed no key: ${made.stdout}${made.stderr}`);
  // Only what the backend is documented to read: it knows the server by its URL and key alone.
  const child = spawn(process.execPath, ["examples/backend/approve-submissions.mjs"], {
    env: { NODE_ENV: "production", SYNCDESK_URL: server.url, SYNCDESK_KEY: key, WRITER_ID: "approver-bot", POLL_MS: "200" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => backendLog.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => backendLog.push(chunk));
  backend = child;
});

test.afterAll(async () => {
  if (backend?.exitCode === null) {
    const exited = new Promise((resolve) => backend?.once("exit", resolve));
    backend.kill("SIGTERM");
    await exited;
  }
  await server?.stop();
  await database?.drop();
});

test("a device's submitted form is approved by the example backend and the device pulls approved", async ({ request, deviceJwt }) => {
  test.setTimeout(90_000);
  if (!server || !database) throw new Error("the server did not start");
  const url = server.url;
  const jwt = await deviceJwt(`field-${Date.now()}`);
  const post = async (route: string, data: unknown) => {
    const answer = await request.post(`${url}/api/v1/sync/${route}`, { headers: { authorization: `Bearer ${jwt}` }, data });
    expect(answer.status(), `${route}: ${await answer.text()}`).toBe(200);
    return answer.json() as Promise<unknown>;
  };
  const deviceId = "tablet-1";
  const { token } = ZBootstrapResponse.parse(await post("bootstrap", { device_id: deviceId }));
  const form = (status: string) => ({ form_id: "site-inspection", form_version: "v2", data: { roof: "ok" }, status });
  const created = ZPushResponse.parse(await post("push", { device_id: deviceId, bundle_id: 1, items: [{ type: "submission", action: "create", data: form("draft") }] }));
  const id = created.results[0]?.id ?? "";
  const submitted = ZPushResponse.parse(await post("push", { device_id: deviceId, bundle_id: 2, items: [{ type: "submission", id, action: "update", base_version: 1, data: form("submitted") }] }));
  expect(submitted.results.map((r) => r.status)).toEqual(["ok"]);

  // The device keeps pulling, as an app does, until the backend's approval arrives.
  const seen: TChange[] = [];
  let cursor = token;
  await expect.poll(async () => {
    const page = ZPullResponse.parse(await post("pull", { token: cursor }));
    seen.push(...page.changes);
    cursor = page.token;
    return seen.find((c) => c.id === id && c.data?.status === "approved")?.version ?? null;
  }, { timeout: 60_000, intervals: [250], message: `backend log:\n${backendLog.join("")}` }).toBe(3);
  expect(seen.filter((c) => c.id === id).map((c) => c.data?.status)).toEqual(["draft", "submitted", "approved"]);

  // Written once, by the backend's writer through its key; the backend logged the approval.
  const writers = await withClient(database.url, (client) => client.query<{ source: string }>(
    "SELECT source FROM changes WHERE record_id = $1 ORDER BY seq", [id]));
  expect(writers.rows.map((r) => r.source)).toEqual([`device:${deviceId}`, `device:${deviceId}`, "server:approver-bot"]);
  expect(backendLog.join("")).toContain('"msg":"approved"');
});
