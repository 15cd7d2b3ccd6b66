// Issue 15's "done when", over real HTTP on both engines: a server whose config declares only
// INTEGRATION.md's `visit` syncs visits over push, pull, bootstrap and WatermelonDB; concurrent
// edits merge field by field as declared; guards hold; the demo's `memo` is an unknown type.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { ZPushResponse } from "@syncdesk/protocol";
import { loadConfigFile } from "@/server/types/load-config";
import { installTypes } from "@/server/types/registry";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { bootstrapAll, pullAll, push } from "../support/sync-client";
import { bodyOf } from "../support/answers";
import { WatermelonApp } from "../watermelon/watermelon-app";
import { loadDemoTypes } from "../support/types";

let server: TestServer;
let n = 0;
beforeAll(async () => {
  const file = path.join(process.cwd(), "examples", "visit.config.json");
  installTypes(await loadConfigFile(file), file);
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

const user = () => `visitor-${++n}-${Date.now()}`;
const stored = (id: string) => server.db.prisma.record.findFirstOrThrow({ where: { type: "visit", id } });
const visit = { site: "Depot 4", score: 3, tags: ["roof"], visits: 1, status: "draft" };

async function created(device: TestDevice): Promise<string> {
  const answer = await push(device, 1, [{ type: "visit", action: "create", data: visit }]);
  const id = answer.results[0]?.id;
  if (!id) throw new Error("the visit was not created");
  return id;
}

describe("a server configured with only `visit`", () => {
  it("creates visits with defaults filled, and refuses memo as an unknown type", async () => {
    const device = await makeDevice(server.url, user());
    const answer = await push(device, 1, [
      { type: "visit", action: "create", data: visit },
      { type: "memo", action: "create", data: { content: "x", tags: [], pinned: false } },
    ]);
    expect(answer.results.map((r) => r.status)).toEqual(["ok", "error"]);
    expect(answer.results[1]?.error?.code).toBe("unknown_type");
    expect((await stored(answer.results[0]?.id ?? "")).data).toEqual({ ...visit, note: "" });
    expect(await server.db.prisma.record.count({ where: { type: "memo" } })).toBe(0);
  });

  it("merges concurrent edits field by field: max, union, counter, and the policy for the rest", async () => {
    const userId = user();
    const a = await makeDevice(server.url, userId);
    const b = await makeDevice(server.url, userId);
    const id = await created(a);
    const { token } = await bootstrapAll(b);
    // Both edit version 1 offline; a syncs first.
    await push(a, 2, [{ type: "visit", action: "update", id, base_version: 1, data: { ...visit, score: 5, tags: ["roof", "door"], visits: 2, note: "ladder" } }]);
    const fromB = await push(b, 1, [{ type: "visit", action: "update", id, base_version: 1, data: { ...visit, score: 4, tags: ["gate"], visits: 3, status: "submitted" } }]);
    expect(fromB.results[0]).toMatchObject({ status: "ok", version: 3, conflict: { resolution: "merged" } });
    const merged = { site: "Depot 4", score: 5, tags: ["door", "gate"], visits: 4, status: "submitted", note: "ladder" };
    expect((await stored(id)).data).toEqual(merged);
    // b pulls what the server merged.
    const pulled = await pullAll(b, token);
    const last = pulled.pages.flatMap((p) => p.changes).filter((c) => c.id === id).at(-1);
    expect(last).toMatchObject({ version: 3, data: merged });
  });

  it("refuses a transition the config does not allow, naming the field, and stores nothing", async () => {
    const device = await makeDevice(server.url, user());
    const id = await created(device);
    const answer = bodyOf(await device.call("POST", "/api/v1/sync/push", {
      device_id: device.deviceId, bundle_id: 2,
      items: [{ type: "visit", action: "update", id, base_version: 1, data: { ...visit, status: "approved" } }],
    }), ZPushResponse);
    expect(answer.results[0]).toMatchObject({ status: "error", error: { code: "invalid_transition", details: { fields: [{ field: "status" }] } } });
    expect(await stored(id)).toMatchObject({ version: 1, data: { ...visit, note: "" } });
    const invalid = await push(device, 3, [{ type: "visit", action: "update", id, base_version: 1, data: { site: 7, score: "high" } }]);
    expect(invalid.results[0]?.error).toMatchObject({ code: "invalid_data", details: { fields: [{ field: "site" }, { field: "score" }] } });
    expect((await stored(id)).version).toBe(1);
  });

  it("syncs visits with the real WatermelonDB through the table the config names", async () => {
    const userId = user();
    const jwt = await mintDeviceJwt({ userId, secret: TEST_JWT_SECRET });
    const columns = ["site", "score", "tags", "visits", "status", "note"];
    const tables = [{
      name: "visits",
      columns: [
        { name: "site", type: "string" as const }, { name: "score", type: "number" as const },
        { name: "tags", type: "string" as const }, { name: "visits", type: "number" as const },
        { name: "status", type: "string" as const }, { name: "note", type: "string" as const },
      ],
    }];
    const app = new WatermelonApp(`visits-${userId}`, server.url, jwt, tables);
    const other = new WatermelonApp(`visits-b-${userId}`, server.url, jwt, tables);
    const id = await app.create("visits", { site: "Pier 9", score: 2, tags: '["hull"]', visits: 1, status: "draft", note: "" });
    await app.sync();
    expect((await stored(id)).data).toEqual({ site: "Pier 9", score: 2, tags: ["hull"], visits: 1, status: "draft", note: "" });
    await other.sync();
    expect(await other.rows("visits", columns)).toEqual([{ id, site: "Pier 9", score: 2, tags: '["hull"]', visits: 1, status: "draft", note: "" }]);
  });
});
