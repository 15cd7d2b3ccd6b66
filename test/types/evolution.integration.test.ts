// Schema evolution (INTEGRATION.md section 1) over real HTTP on both engines: a compatible change
// keeps every token valid and fills older apps' pushes with defaults; only a breaking version makes
// older tokens answer 412 types_changed, and the server keeps remembering it after later versions.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { sqlOf } from "@/server/db/sql";
import { recordTypeVersions } from "@/server/types/type-epochs";
import demo from "@/syncdesk.config";
import { errorOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memo, pullAll, pullPage, push } from "../support/sync-client";
import { installConfig } from "../support/types";

let server: TestServer;
let device: TestDevice;
let restore: (() => void) | undefined;

beforeEach(async () => {
  restore?.();
  await server?.close();
  server = await startTestServer();
  device = await makeDevice(server.url, `evolver-${Date.now()}`);
});
afterAll(async () => {
  restore?.();
  await server?.close();
});

const memoType = demo.types.memo;
const checklist = { version: 1, policy: "lww", schema: { type: "object", properties: { done: { type: "boolean" } } } };
/** The demo config with memo at `version`; `mood` adds a field defaulting to "calm" and a new type. */
async function runMemo(version: number, options: { mood?: boolean; breaking?: boolean; without?: "memo" } = {}) {
  const properties = { ...memoType.schema.properties, ...(options.mood ? { mood: { type: "string", default: "calm" } } : {}) };
  const memoConfig = { ...memoType, version, breaking: options.breaking, schema: { ...memoType.schema, properties } };
  const { memo: _memo, ...others } = demo.types;
  restore?.();
  const added = options.mood ? { checklist } : {};
  restore = installConfig({ types: options.without ? others : { ...demo.types, ...added, memo: memoConfig } });
  // What a restart does: remember the versions this deployment runs.
  await recordTypeVersions(sqlOf(server.db.prisma));
}
const pull = (token: string) => device.call("POST", "/api/v1/sync/pull", { token });
const typesChanged = async (token: string) => {
  const answer = await pull(token);
  return answer.status === 412 && errorOf(answer).details?.reason === "types_changed";
};

describe("evolving a type", () => {
  it("keeps tokens valid across an added defaulted field and a new type; older apps' pushes get the default", async () => {
    await runMemo(1);
    const created = await push(device, 1, [{ type: "memo", action: "create", data: memo("before") }]);
    const token = await freshToken(device);
    await runMemo(2, { mood: true });
    expect((await pull(token)).status).toBe(200);
    // An older app creates without `mood`: it gets the default. An update that leaves it out keeps it.
    const id = created.results[0]?.id ?? "";
    const newer = await push(device, 2, [
      { type: "memo", action: "create", data: memo("old app") },
      { type: "memo", action: "update", id, base_version: 1, data: { ...memo("new app"), mood: "busy" } },
    ]);
    await push(device, 3, [
      { type: "memo", action: "update", id, base_version: 2, data: memo("old app edits") },
      { type: "checklist", action: "create", data: { done: true } },
    ]);
    const records = await server.db.prisma.record.findMany({ where: { type: "memo" }, orderBy: { createdAt: "asc" } });
    expect(records.map((r) => r.data)).toEqual([
      { ...memo("old app edits"), mood: "busy" },
      { ...memo("old app"), mood: "calm" },
    ]);
    expect(newer.results.map((r) => r.status)).toEqual(["ok", "ok"]);
    const changes = (await pullAll(device, token)).pages.flatMap((p) => p.changes);
    expect(changes.map((c) => [c.type, c.data?.content])).toEqual([
      ["memo", "old app"], ["memo", "new app"], ["memo", "old app edits"], ["checklist", undefined],
    ]);
  });

  it("answers 412 types_changed only across a breaking version, and remembers it after a compatible one", async () => {
    await runMemo(1);
    const v1 = await freshToken(device);
    await runMemo(2, { mood: true });
    const v2 = await freshToken(device);
    expect(await typesChanged(v1)).toBe(false);
    await runMemo(3, { mood: true, breaking: true });
    const v3 = await freshToken(device);
    expect([await typesChanged(v1), await typesChanged(v2), await typesChanged(v3)]).toEqual([true, true, false]);
    // v4 is compatible and does not say breaking: v2 tokens stay stale, v3 ones stay valid.
    await runMemo(4, { mood: true });
    expect([await typesChanged(v2), await typesChanged(v3), await typesChanged(await freshToken(device))]).toEqual([true, false, false]);
    const rows = await server.db.prisma.typeVersion.findMany({ where: { type: "memo" }, orderBy: { version: "asc" } });
    expect(rows.map((r) => [r.version, r.breaking])).toEqual([[1, false], [2, false], [3, true], [4, false]]);
  });

  it("answers types_changed to a token that carries a type the config no longer declares", async () => {
    await runMemo(1);
    const token = await freshToken(device);
    await runMemo(1, { without: "memo" });
    expect(await typesChanged(token)).toBe(true);
    const after = await freshToken(device);
    expect((await pullPage(device, after)).changes).toEqual([]);
  });
});
