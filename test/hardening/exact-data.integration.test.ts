// Record data is stored exactly as sent or refused (issue 19 part 5): numbers JSON cannot carry
// exactly (1e309, 1e-400, 2^53 + 1) and `__proto__` keys used to be rounded or dropped while the
// push said `applied`. Each is refused as `invalid_data` naming the field on a device push and a
// server push (the item's siblings still apply), and as a 400 on a manual merge; nothing stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceKey } from "@/server/keys/service-keys";
import { ZPushResponse } from "@syncdesk/protocol";
import { bodyOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { sendRaw } from "./support/raw-http";
import { diffState, snapshotState } from "./support/state";

let server: TestServer;
let device: TestDevice;
let serviceKey: string;
beforeAll(async () => {
  server = await startTestServer();
  device = await makeDevice(server.url, "exact", { streams: ["org:exact"] });
  ({ key: serviceKey } = await createServiceKey(server.db.prisma, { type: "staff", id: "admin-1" }, { name: "exact-backend", scopes: ["read", "write"], streams: ["org:*"] }));
});
afterAll(async () => {
  await server?.close();
});

// Written as raw text: JSON.stringify could not even spell most of these.
const submission = (id: string, data: string) => `{"type":"submission","stream":"org:exact","id":"${id}","action":"create","data":{"form_id":"f","form_version":1,"status":"draft","data":${data}}}`;
const meter = (id: string, reading: string) => `{"type":"meter","id":"${id}","action":"create","data":{"code":"${id}","reading":${reading},"unit":"kWh"}}`;

/** [item id, item JSON, the field its error must name]. */
const BAD: [string, string, string][] = [
  ["overflow", submission("overflow", '{"x":1e309}'), "data.x"],
  ["underflow", submission("underflow", '{"x":[1,1e-400]}'), "data.x.1"],
  ["rounded", submission("rounded", '{"n":9007199254740993}'), "data.n"],
  ["proto-nested", submission("proto-nested", '{"__proto__":{"admin":true}}'), "data.__proto__"],
  ["proto-top", `{"type":"memo","id":"proto-top","action":"create","data":{"content":"c","tags":[],"pinned":false,"__proto__":{"x":1}}}`, "__proto__"],
  ["meter-overflow", meter("meter-overflow", "-1e309"), "reading"],
  ["meter-digits", meter("meter-digits", "0.12345678901234567890123"), "reading"],
];
const GOOD: [string, string][] = [
  ["exact-big", submission("exact-big", '{"n":9007199254740992,"m":1e308,"t":5e-324,"s":"1e309","k":{"__proto":1}}')],
  ["meter-ok", meter("meter-ok", "0.1")],
];

async function pushRaw(target: string, authorization: string, text: string) {
  const answer = await sendRaw(server.url, { method: "POST", target, headers: { authorization, "content-type": "application/json" }, body: Buffer.from(text) });
  expect(answer.status, answer.text).toBe(200);
  return ZPushResponse.parse(answer.json);
}

function expectRefusedEach(results: ReturnType<typeof ZPushResponse.parse>["results"], items: { id: string; field?: string }[]) {
  items.forEach((item, index) => {
    const result = results[index];
    if (!item.field) return expect(result?.status, `${item.id}: ${JSON.stringify(result)}`).toBe("ok");
    expect(result?.status, `${item.id}: ${JSON.stringify(result)}`).toBe("error");
    expect(result?.error?.code, item.id).toBe("invalid_data");
    expect(result?.error?.details?.fields.map((f) => f.field), item.id).toEqual([item.field]);
  });
}

describe("record data JSON cannot carry exactly", () => {
  it("a device push refuses each such item as invalid_data naming the field, applies the others, stores them exactly", async () => {
    const items = [...BAD.map(([id, json, field]) => ({ id, json, field })), ...GOOD.map(([id, json]) => ({ id, json, field: undefined }))];
    const text = `{"device_id":"${device.deviceId}","bundle_id":1,"items":[${items.map((i) => i.json).join(",")}]}`;
    const response = await pushRaw("/api/v1/sync/push", `Bearer ${device.jwt}`, text);
    expectRefusedEach(response.results, items);
    const stored = await server.db.prisma.record.findMany({ select: { id: true, data: true }, orderBy: { id: "asc" } });
    expect(stored.map((r) => r.id)).toEqual(["exact-big", "meter-ok"]);
    expect(stored[0]?.data).toEqual({ form_id: "f", form_version: 1, status: "draft", data: { n: 9007199254740992, m: 1e308, t: 5e-324, s: "1e309", k: { __proto: 1 } } });
  });

  it("a server push refuses them the same way, writing nothing for them", async () => {
    const bad = BAD.filter(([id]) => !id.startsWith("meter") && id !== "proto-top").map(([id, json, field]) => ({ id, json: json.replaceAll(`"${id}"`, `"s-${id}"`), field }));
    const text = `{"writer_id":"exact-writer","bundle_id":1,"items":[${bad.map((i) => i.json).join(",")}]}`;
    const response = await pushRaw("/api/v1/server/push", `Bearer ${serviceKey}`, text);
    expectRefusedEach(response.results, bad);
    const records = await server.db.prisma.record.count({ where: { id: { startsWith: "s-" } } });
    expect(records).toBe(0);
  });

  it("a body outside record data (a manual merge, a Watermelon push) with one is a 400 naming it, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    const headers = { authorization: `Bearer ${device.jwt}`, "content-type": "application/json", "x-device-id": device.deviceId };
    const cases: [string, string, string][] = [
      ["/api/v1/conflicts/00000000-0000-4000-8000-000000000000/resolve", '{"resolution":"manual_merge","data":{"code":"K","reading":1e999,"unit":"kWh"}}', "data.reading"],
      ["/api/v1/conflicts/00000000-0000-4000-8000-000000000000/resolve", '{"resolution":"manual_merge","data":{"__proto__":{"a":1}}}', "data.__proto__"],
      ["/api/v1/watermelon/sync?last_pulled_at=1", '{"memos":{"created":[{"id":"w1","content":"c","tags":"[]","pinned":false,"n":1e-999}],"updated":[],"deleted":[]}}', "memos.created.0.n"],
    ];
    for (const [target, text, field] of cases) {
      const answer = await sendRaw(server.url, { method: "POST", target, headers, body: Buffer.from(text) });
      expect(answer.status, `${target}: ${answer.text}`).toBe(400);
      expect(answer.json, text).toMatchObject({ error: { code: "invalid_request", details: { fields: [{ field }] } } });
    }
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });
});
