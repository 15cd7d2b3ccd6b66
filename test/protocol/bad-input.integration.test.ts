// Malformed requests (PROTOCOL.md "Errors"): each gets its documented 4xx in the error envelope,
// never a 500, and stores nothing. Row counts of every table are compared before and after.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZPushResponse, ZErrorBody } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { badFields, countRows, expectError, freshBundleId, pushBody, snapshotTables, type Snapshot } from "../support/protocol";
import { bodyOf } from "../support/answers";

let server: TestServer;
let device: TestDevice;
let before: Record<string, number>;
const memo = { content: "ok", tags: [], pinned: false };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  device = await makeDevice(server.url, `bad-${freshBundleId()}`);
  before = await countRows(server.db.prisma);
});

const PUSH = "/api/v1/sync/push";
const validBody = () => pushBody(device, [{ type: "memo", action: "create", data: memo }]);

type RawBody = string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;

/** Sends a raw body (a stream goes chunked) with the given content type, or none. */
async function send(path: string, body: RawBody, contentType?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${device.jwt}`, ...(contentType ? { "content-type": contentType } : {}) },
    body,
    duplex: "half",
  } as RequestInit);
  const text = await response.text();
  const parsed: unknown = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed };
}

async function expectNothingStored(): Promise<void> {
  expect(await countRows(server.db.prisma)).toEqual(before);
}

describe("bodies that are not a push request", () => {
  // Each body would be a valid push but for the one defect named, so only that defect can refuse it.
  const valid = () => JSON.stringify(validBody());
  const bytes = (text: string) => new TextEncoder().encode(text);
  const invalidUtf8 = () => {
    const [head, tail] = valid().split('"ok"');
    return new Uint8Array([...bytes(`${head}"ok`), 0xff, 0xfe, ...bytes(`"${tail}`)]);
  };
  const cases: [string, () => RawBody, string | undefined][] = [
    ["malformed JSON", () => valid().slice(0, -1), "application/json"],
    ["an empty body", () => "", "application/json"],
    ["a JSON array", () => `[${valid()}]`, "application/json"],
    ["a text/plain content type", valid, "text/plain"],
    ["no content type", () => bytes(valid()), undefined],
    ["invalid UTF-8 inside a string", invalidUtf8, "application/json"],
  ];
  for (const [name, body, type] of cases) {
    it(`answers 400 invalid_request to ${name} and stores nothing`, async () => {
      expectError(await send(PUSH, body(), type), 400, "invalid_request");
      await expectNothingStored();
    });
  }

  it("accepts the same body when nothing is wrong with it (the cases above differ in one defect only)", async () => {
    expect((await send(PUSH, valid(), "application/json; charset=utf-8")).status).toBe(200);
  });
});

describe("push requests with bad fields", () => {
  it("lists every missing field", async () => {
    const answer = await device.call("POST", PUSH, {});
    expectError(answer, 400, "invalid_request");
    expect(badFields(answer)).toEqual(["bundle_id", "device_id", "items"]);
    await expectNothingStored();
  });

  it("lists every field of the wrong type", async () => {
    const answer = await device.call("POST", PUSH, {
      device_id: 7, bundle_id: "one", mode: "all-or-nothing",
      items: [{ type: "memo", action: "upsert", base_version: -1, data: "text", updated_at: "yesterday" }],
    });
    expectError(answer, 400, "invalid_request");
    expect(badFields(answer)).toEqual([
      "bundle_id", "device_id", "items.0.action", "items.0.base_version", "items.0.data", "items.0.updated_at", "mode",
    ]);
    await expectNothingStored();
  });

  it("names each unexpected field, top-level and in items", async () => {
    const body = { ...validBody(), extra: true };
    body.items = [{ ...body.items[0], type: "memo", action: "create", colour: "red" } as (typeof body.items)[number]];
    const answer = await device.call("POST", PUSH, body);
    expectError(answer, 400, "invalid_request");
    expect(badFields(answer)).toEqual(["extra", "items.0.colour"]);
    await expectNothingStored();
  });

  for (const [name, bundleId] of [["negative", -1], ["fractional", 1.5], ["unsafe", 2 ** 60]] as const) {
    it(`refuses a ${name} bundle_id`, async () => {
      const answer = await device.call("POST", PUSH, { ...validBody(), bundle_id: bundleId });
      expectError(answer, 400, "invalid_request");
      expect(badFields(answer)).toEqual(["bundle_id"]);
      await expectNothingStored();
    });
  }

  it("refuses no items and 501 items", async () => {
    const item = { type: "memo", action: "create", data: memo };
    for (const items of [[], Array.from({ length: 501 }, () => item)]) {
      const answer = await device.call("POST", PUSH, { ...validBody(), items });
      expectError(answer, 400, "invalid_request");
      expect(badFields(answer)).toEqual(["items"]);
    }
    await expectNothingStored();
  });

  it("accepts exactly 500 items", async () => {
    const items = Array.from({ length: 500 }, () => ({ type: "memo", action: "create", data: memo }));
    const answer = await device.call("POST", PUSH, { ...validBody(), items });
    expect(answer.status).toBe(200);
    expect(bodyOf(answer, ZPushResponse).status).toBe("applied");
    expect(await server.db.prisma.record.count({ where: { stream: `user:${device.userId}` } })).toBe(500);
  });
});

describe("oversize bodies", () => {
  const big = () => JSON.stringify({ ...validBody(), items: [{ type: "memo", action: "create", data: { ...memo, content: "x".repeat(1024 * 1024) } }] });

  it("answers 413 payload_too_large to a body over 1 MiB", async () => {
    const answer = await send(PUSH, big(), "application/json");
    expectError(answer, 413, "payload_too_large");
    // The unread rest of the body is still on the wire: this connection must not be reused.
    expect(answer.headers.get("connection")).toBe("close");
    await expectNothingStored();
  });

  it("answers 413 to a body over 1 MiB sent without a Content-Length (chunked)", async () => {
    const bytes = new TextEncoder().encode(big());
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const answer = await send(PUSH, stream, "application/json");
    expectError(answer, 413, "payload_too_large");
    expect(answer.headers.get("connection")).toBe("close");
    await expectNothingStored();
  });
});

describe("item errors", () => {
  /** A push whose every item fails: 200 and rejected; no record, change or conflict is written
   *  (the sync batch is kept for audit and replay, and the device is registered). */
  async function rejectedPush(items: unknown[]) {
    const snapshot: Snapshot = await snapshotTables(server.db.prisma);
    const answer = await device.call("POST", PUSH, { ...validBody(), items });
    expect(answer.status).toBe(200);
    expect(bodyOf(answer, ZPushResponse).status).toBe("rejected");
    const after = await snapshotTables(server.db.prisma);
    for (const table of ["records", "changes", "conflicts", "audit_log", "device_checkpoints"]) {
      expect(after[table], table).toEqual(snapshot[table]);
    }
    return bodyOf(answer, ZPushResponse).results;
  }

  it("reports an unknown type as an item error", async () => {
    const results = await rejectedPush([{ type: "spaceship", action: "create", data: {} }]);
    expect(results.map((r) => [r.status, r.error?.code])).toEqual([["error", "unknown_type"]]);
  });

  it("reports record data over 256 KiB as payload_too_large, and data failing the schema as invalid_data", async () => {
    const results = await rejectedPush([
      { type: "diary", action: "create", data: { date: "2026-01-01", mood: "ok", summary: "x".repeat(257 * 1024) } },
      { type: "diary", action: "create", data: { date: "yesterday", mood: "ok", summary: "" } },
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(["payload_too_large", "invalid_data"]);
  });
});

describe("other routes", () => {
  it("answers 400 to a bad pull and a bad bootstrap body, and 401 without a token", async () => {
    expectError(await device.call("POST", "/api/v1/sync/pull", { token: "" }), 400, "invalid_request");
    expectError(await device.call("POST", "/api/v1/sync/bootstrap", { device_id: device.deviceId, limit: 0 }), 400, "invalid_request");
    const anonymous = await fetch(`${server.url}${PUSH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(validBody()) });
    expect(anonymous.status).toBe(401);
    expect(ZErrorBody.parse(await anonymous.json()).error.code).toBe("unauthorized");
    await expectNothingStored();
  });
});

describe("forged conflict cursors", () => {
  const cursor = (text: string) => Buffer.from(text).toString("base64url");
  const forged = [
    ["garbage", "not base64 at all"],
    ["a non-uuid id", cursor("2026-01-01T00:00:00.000Z|abc")],
    ["year 0", cursor("0000-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000")],
    ["no id", cursor("2026-01-01T00:00:00.000Z")],
  ];
  for (const [name, value] of forged) {
    it(`answers 400 to a cursor with ${name}`, async () => {
      expectError(await device.call("GET", `/api/v1/conflicts?cursor=${value}`), 400, "invalid_request");
      await expectNothingStored();
    });
  }
});

describe("bodies the database cannot store", () => {
  it("answers 400, never a 500, to deeply nested data", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const text = `{"device_id":"${device.deviceId}","bundle_id":1,"items":[{"type":"memo","action":"create","data":{"content":${deep}}}]}`;
    const answer = await send(PUSH, text, "application/json");
    expectError(answer, 400, "invalid_request");
    expect(badFields(answer)[0]).toMatch(/^items\.0\.data\.content\.0\.0/);
    await expectNothingStored();
  });

  for (const [name, content] of [["a NUL character", "a\u0000b"], ["an unpaired surrogate", "a\ud800b"]]) {
    it(`answers 400, never a 500, to ${name} in record data, and stores nothing`, async () => {
      const answer = await device.call("POST", PUSH, { ...validBody(), items: [{ type: "memo", action: "create", data: { ...memo, content } }] });
      expectError(answer, 400, "invalid_request");
      expect(badFields(answer)).toEqual(["items.0.data.content"]);
      await expectNothingStored();
    });
  }
});
