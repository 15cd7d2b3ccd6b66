// Seed 001's own example payloads, accepted as that seed writes them (issue 15, deliverable 5):
// examples/seed-001.config.json declares its submission and meter types, and its example push,
// pull, conflict and resolution go over HTTP with only the wire names mapped (seed-001-payloads.ts).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitBundle } from "@/server/sync/commit-bundle";
import { commitRecordChange } from "@/server/sync/records";
import { ZConflictPage, ZResolveResponse } from "@syncdesk/protocol";
import { loadConfigFile } from "@/server/types/load-config";
import { getResourceType, installTypes } from "@/server/types/registry";
import { bodyOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { bootstrapToken, freshBundleId, pullAll, push } from "../support/protocol";
import { startTestServer, type TestServer } from "../support/server";
import { loadDemoTypes } from "../support/types";
import {
  SEED_CONFLICT, SEED_PULLED_CHANGE, SEED_PUSH, SEED_PUSH_CONFLICT, SEED_RESOLUTION, toProtocolItem,
} from "./seed-001-payloads";

const CONFIG = path.join(process.cwd(), "examples", "seed-001.config.json");

let server: TestServer;
beforeAll(async () => {
  installTypes(await loadConfigFile(CONFIG), CONFIG);
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

const fieldWorker = (streams?: string[], deviceId?: string) =>
  makeDevice(server.url, `worker-${freshBundleId()}`, { streams, deviceId });
const readRecord = (stream: string, type: string, id: string) =>
  server.db.prisma.record.findUnique({ where: { stream_type_id: { stream, type, id } }, select: { version: true, data: true, deleted: true } });

/**
 * The server's own write of a meter reading (the seed's `last_updated_by: "sys"`), which no device
 * may make: staged as a change of the server, as the server API of INTEGRATION.md section 2 will.
 */
async function serverWrite(stream: string, type: string, id: string, data: Record<string, unknown>): Promise<void> {
  const valid = getResourceType(type)?.validate(data);
  if (!valid?.ok) throw new Error(`not a valid ${type}: ${JSON.stringify(valid)}`);
  await commitBundle(server.db.prisma, "restore", async (tx) => {
    const bundle = await tx.open([stream], { batchId: null, source: { kind: "staff", id: "test" } });
    const key = { stream, type, id };
    commitRecordChange(bundle, key, await bundle.readRecord(key), { op: "upsert", data: valid.data, updatedAt: new Date() });
  });
}

describe("seed 001's types (examples/seed-001.config.json)", () => {
  it("accept every example payload of the seed, filling only the submission's default status", () => {
    const [submission, meter] = [getResourceType("submission"), getResourceType("meter")];
    expect([submission?.policy, meter?.policy]).toEqual(["manual", "manual"]);
    expect(getResourceType("memo")).toBeUndefined();
    expect(submission?.validate(SEED_PUSH.items[0]?.payload)).toEqual({
      ok: true, data: { form_id: "f-1", form_version: "v2", data: { fieldA: "ok" }, status: "draft" },
    });
    expect(submission?.validate(SEED_PULLED_CHANGE.payload)).toEqual({ ok: true, data: SEED_PULLED_CHANGE.payload });
    for (const payload of [SEED_PUSH.items[1]?.payload, SEED_CONFLICT.server_payload, SEED_CONFLICT.client_payload]) {
      expect(meter?.validate(payload)).toEqual({ ok: true, data: payload });
    }
  });
});

describe("the seed's example push", () => {
  it("creates the submission from its temp id and stores the stale meter reading as a conflict, which accept_client applies", async () => {
    const worker = await fieldWorker(undefined, SEED_PUSH.device_id);
    const stream = `user:${worker.userId}`;
    // Meter m-123 as the seed's server has it: the device last saw version 5, the server wrote 7.
    await push(worker, [{ type: "meter", id: "m-123", action: "create", data: { id: "m-123", reading: 30 } }]);
    for (let version = 1; version < 6; version++) {
      await push(worker, [{ type: "meter", id: "m-123", action: "update", base_version: version, data: { id: "m-123", reading: 30 + version } }]);
    }
    await serverWrite(stream, "meter", "m-123", { id: "m-123", ...SEED_CONFLICT.server_payload });
    const observer = await makeDevice(server.url, worker.userId);
    const token = await bootstrapToken(observer);

    const answer = await push(worker, SEED_PUSH.items.map(toProtocolItem), { bundleId: 1 });

    expect(answer.status).toBe("partial");
    const [created, stale] = answer.results;
    expect(created).toEqual({ index: 0, client_temp_id: "tmp-1", id: expect.any(String), status: "ok", version: 1 });
    expect(await readRecord(stream, "submission", created?.id ?? "")).toEqual({
      version: 1, deleted: false, data: { form_id: "f-1", form_version: "v2", data: { fieldA: "ok" }, status: "draft" },
    });
    // The seed's "Version mismatch: server_version=7, client_version=5", as PROTOCOL.md says it.
    const [, serverVersion, clientVersion] = /server_version=(\d+), client_version=(\d+)/.exec(SEED_PUSH_CONFLICT.error) ?? [];
    expect(stale).toMatchObject({ index: 1, id: SEED_PUSH_CONFLICT.server_id, status: "conflict", version: Number(serverVersion) });
    expect(stale?.conflict).toEqual({
      conflict_id: expect.any(String),
      policy: "manual",
      fields: ["reading"],
      base_version: Number(clientVersion),
      server_version: Number(serverVersion),
      server_data: { id: "m-123", reading: 50, last_updated_by: "sys" },
      // A server-only field a device leaves out keeps the record's value.
      client_data: { id: "m-123", reading: 42, last_updated_by: "sys" },
      deleted: false,
    });
    expect(await readRecord(stream, "meter", "m-123")).toMatchObject({ version: 7, data: { reading: 50 } });
    // The seed's conflict record, in PROTOCOL.md's names: resource_id is record_id, *_payload is *_data.
    const listed = bodyOf(await worker.call("GET", "/api/v1/conflicts?status=open"), ZConflictPage).conflicts;
    expect(listed).toEqual([expect.objectContaining({
      id: stale?.conflict?.conflict_id, type: SEED_CONFLICT.resource_type, record_id: SEED_CONFLICT.resource_id,
      server_data: expect.objectContaining(SEED_CONFLICT.server_payload), client_data: expect.objectContaining({ reading: 42 }),
    })]);

    // The seed's resolution, sent as is: the client's reading applies as version 8.
    const resolved = await worker.call("POST", `/api/v1/conflicts/${stale?.conflict?.conflict_id}/resolve`, SEED_RESOLUTION);
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(bodyOf(resolved, ZResolveResponse).record).toMatchObject({ version: 8, data: { id: "m-123", reading: 42, last_updated_by: "sys" } });
    const { changes } = await pullAll(observer, token);
    expect(changes.map((c) => [c.type, c.op, c.version, c.data])).toEqual([
      ["submission", "upsert", 1, { form_id: "f-1", form_version: "v2", data: { fieldA: "ok" }, status: "draft" }],
      ["meter", "upsert", 8, { id: "m-123", reading: 42, last_updated_by: "sys" }],
    ]);
    expect(changes[1]?.conflict).toMatchObject({ fields: ["reading"] });
  });

  it("a reviewed submission reaches devices as the seed's pull shows it: approved, at server version 3", async () => {
    const org = `org:seed-${freshBundleId()}`;
    const worker = await fieldWorker([org]);
    const reviewer = await fieldWorker([org]);
    const { payload } = SEED_PUSH.items[0] ?? { payload: {} };
    const at = { type: "submission", id: SEED_PULLED_CHANGE.id, stream: org };
    await push(worker, [{ ...at, action: "create", data: payload }]);
    await push(worker, [{ ...at, action: "update", base_version: 1, data: { ...payload, status: "submitted" } }]);
    const token = await bootstrapToken(worker);

    const approved = await push(reviewer, [{ ...at, action: "update", base_version: 2, data: SEED_PULLED_CHANGE.payload }]);

    expect(approved.results).toEqual([{ index: 0, client_temp_id: null, id: "sub-999", status: "ok", version: 3 }]);
    const { changes } = await pullAll(worker, token);
    expect(changes).toEqual([expect.objectContaining({
      id: SEED_PULLED_CHANGE.id, type: SEED_PULLED_CHANGE.resource_type, op: "upsert",
      version: SEED_PULLED_CHANGE.server_version, data: SEED_PULLED_CHANGE.payload,
    })]);
    expect(await readRecord(org, "submission", "sub-999")).toEqual({ version: 3, deleted: false, data: SEED_PULLED_CHANGE.payload });
  });
});

describe("what the seed's types refuse", () => {
  it("is an item error naming the field, and nothing of the bundle is stored", async () => {
    const worker = await fieldWorker();
    const stream = `user:${worker.userId}`;
    const draft = { form_id: "f-1", form_version: "v2", data: { fieldA: "ok" } };
    await push(worker, [
      { type: "submission", id: "sub-1", action: "create", data: draft },
      { type: "meter", id: "m-1", action: "create", data: { id: "m-1", reading: 1 } },
    ]);
    const stored = () => server.db.prisma.record.findMany({ where: { stream }, orderBy: { id: "asc" }, select: { id: true, version: true, data: true } });
    const changes = () => server.db.prisma.change.count({ where: { stream } });
    const [before, changesBefore] = [await stored(), await changes()];

    const answer = await push(worker, [
      // The demo app's integer form version is not the seed's.
      { type: "submission", id: "sub-2", action: "create", data: { ...draft, form_version: 2 } },
      { type: "meter", id: "m-2", action: "create", data: { id: "m-2", reading: "42" } },
      { type: "meter", id: "m-3", action: "create", data: { id: "m-3", reading: 1, last_updated_by: "sys" } },
      { type: "meter", id: "m-1", action: "update", base_version: 1, data: { id: "m-9", reading: 2 } },
      { type: "submission", id: "sub-1", action: "update", base_version: 1, data: { ...draft, status: "approved" } },
      { type: "submission", id: "sub-3", action: "create", data: { ...draft, status: "submitted" } },
      { type: "memo", id: "n-1", action: "create", data: { content: "not a type of this app" } },
    ]);

    expect(answer.status).toBe("rejected");
    expect(answer.results.map((r) => [r.id, r.error?.code, r.error?.details?.fields?.map((f) => f.field)])).toEqual([
      ["sub-2", "invalid_data", ["form_version"]],
      ["m-2", "invalid_data", ["reading"]],
      ["m-3", "invalid_data", ["last_updated_by"]],
      ["m-1", "invalid_data", ["id"]],
      ["sub-1", "invalid_transition", ["status"]],
      ["sub-3", "invalid_transition", ["status"]],
      ["n-1", "unknown_type", undefined],
    ]);
    expect(answer.results[0]?.error?.details?.fields).toEqual([{ field: "form_version", message: "must be string" }]);
    expect(answer.results[4]?.error?.message).toBe('field "status" cannot go from "draft" to "approved" (allowed: submitted)');
    expect(answer.results[5]?.error?.message).toBe('field "status" cannot go from absent to "submitted" (allowed: draft)');
    expect(await stored()).toEqual(before);
    expect(await changes()).toBe(changesBefore);
  });
});
