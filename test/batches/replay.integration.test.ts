// Replay of a sync batch's failed items: through the push engine, recorded as a new attempt with an
// audit entry, delivered to devices on pull, idempotent, and leaving the original batch untouched.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StaffIdentity } from "@/server/staff/accounts";
import { installConfig } from "@/test/support/types";
import demo from "@/syncdesk.config";
import {
  bootstrapToken, configureTestEnv, connectDevice, createStaffAs, memo, pullAll, pushAs,
} from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getDeviceOrThrow } from "@/server/devices/get";
import { getBatchOrThrow } from "@/server/batches/get";
import { replayBatch } from "@/server/batches/replay";

configureTestEnv();

let db: TestDatabase;
let operator: StaffIdentity;
beforeEach(async () => {
  db = await createTestDatabase();
  operator = await createStaffAs(db.prisma, "operator");
});
afterEach(() => db.close());

const snapshotBatch = (id: string) =>
  db.prisma.syncBatch.findUniqueOrThrow({ where: { id }, select: { status: true, response: true, okCount: true, errorCount: true, request: true } });

describe("replayBatch", () => {
  it("re-applies an item that failed with not_found once the record exists, and records it once", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "x", action: "update", base_version: 1, data: memo("x edited") },
      { type: "memo", id: "b", action: "create", data: memo("b") },
    ]);
    expect(original.status).toBe("partial");
    expect(original.results[1]).toMatchObject({ status: "error", error: { code: "not_found" } });
    const before = await snapshotBatch(original.batch_id);
    const reader = await connectDevice(db.prisma, "alice", { deviceId: "reader" });
    const readerToken = await bootstrapToken(db.prisma, reader);
    await pushAs(db.prisma, alice, 2, [{ type: "memo", id: "x", action: "create", data: memo("x") }]);
    expect((await getDeviceOrThrow(db.prisma, alice.deviceRef)).lastError).toMatchObject({ code: "not_found", batchId: original.batch_id });

    const outcome = await replayBatch(db.prisma, operator, original.batch_id);
    expect(outcome).toMatchObject({ replayed: true, attempt: 2, status: "applied" });
    expect(outcome.results).toEqual([{ index: 1, client_temp_id: null, id: "x", status: "ok", version: 2 }]);

    const record = await db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: { stream: "user:alice", type: "memo", id: "x" } } });
    expect(record).toMatchObject({ version: 2, data: memo("x edited") });
    const attempts = await db.prisma.batchAttempt.findMany({ where: { batchId: original.batch_id } });
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 2, actor: operator.id, status: "applied", results: outcome.results }),
    ]);
    const audit = await db.prisma.auditEntry.findMany({ where: { action: "batch.replay" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "staff", actorId: operator.id, targetType: "batch", targetId: original.batch_id });
    expect(audit[0]?.details).toMatchObject({
      attempt: 2,
      before: { items: [{ index: 1, status: "error", error: { code: "not_found" } }] },
      after: { items: [{ index: 1, status: "ok", version: 2, error: null }] },
    });

    // The device that was up to date before the replay gets the replayed change on its next pull.
    const { changes } = await pullAll(db.prisma, reader, readerToken);
    expect(changes.map((c) => [c.id, c.version, c.batch_id])).toEqual([
      ["x", 1, expect.any(String)],
      ["x", 2, original.batch_id],
    ]);
    expect(changes[1]?.data).toEqual(memo("x edited"));

    // The batch row and its stored answer are untouched; the device's idempotent retry still gets it.
    expect(await snapshotBatch(original.batch_id)).toEqual(before);
    const retried = await pushAs(db.prisma, alice, 1, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "x", action: "update", base_version: 1, data: memo("x edited") },
      { type: "memo", id: "b", action: "create", data: memo("b") },
    ]);
    expect(retried).toEqual(original);

    // Nothing is left to retry: a second replay says so and records nothing.
    const again = await replayBatch(db.prisma, operator, original.batch_id);
    expect(again).toMatchObject({ replayed: false, attempt: null, status: null, results: [] });
    expect(again.message).toMatch(/nothing to replay/i);
    expect(await db.prisma.batchAttempt.count()).toBe(1);
    expect(await db.prisma.auditEntry.count({ where: { action: "batch.replay" } })).toBe(1);
    const detail = await getBatchOrThrow(db.prisma, original.batch_id);
    expect(detail.latest.map((r) => r?.status)).toEqual(["ok", "ok", "ok"]);
    expect(detail.retriable).toEqual([]);
    expect(detail.attempts.map((a) => [a.attempt, a.actor.email, a.status])).toEqual([[2, operator.email, "applied"]]);
    // A batch whose failed items a replay applied is no longer the device's last error.
    expect((await getDeviceOrThrow(db.prisma, alice.deviceRef)).lastError).toBeNull();
  });

  it("keeps pulls gap-free when a replayed change carries an older batch id", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const fresh = await connectDevice(db.prisma, "alice", { deviceId: "fresh" });
    const token = await bootstrapToken(db.prisma, fresh);
    const original = await pushAs(db.prisma, alice, 1, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "x", action: "update", base_version: 1, data: memo("x edited") },
      { type: "memo", id: "b", action: "create", data: memo("b") },
    ]);
    await pushAs(db.prisma, alice, 2, [{ type: "memo", id: "x", action: "create", data: memo("x") }]);
    await replayBatch(db.prisma, operator, original.batch_id);

    // Page size 1 splits the first bundle, which is then delivered whole; the replay's change of the
    // same batch id comes later in the stream and must not be pulled ahead of seq 3.
    const { changes } = await pullAll(db.prisma, fresh, token, 1);
    expect(changes.map((c) => [c.seq, c.id, c.version])).toEqual([
      [1, "a", 1], [2, "b", 1], [3, "x", 1], [4, "x", 2],
    ]);
  });

  it("retries with the client_temp_id mapping of items that already applied (after a config fix)", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [
      { type: "memo", client_temp_id: "n1", action: "create", data: memo("n") },
      { type: "memo", id: "n1", action: "update", base_version: 1, data: { ...memo("n2"), colour: "red" } },
    ]);
    expect(original.results[1]).toMatchObject({ status: "error", error: { code: "invalid_data" } });
    const createdId = original.results[0]?.id ?? "";
    expect(createdId).not.toBe("");
    const memoType = demo.types.memo;
    const withColour = { ...memoType, schema: { ...memoType.schema, properties: { ...memoType.schema.properties, colour: { type: "string" } } } };
    const restore = installConfig({ types: { ...demo.types, memo: withColour } });
    try {
      const outcome = await replayBatch(db.prisma, operator, original.batch_id);
      expect(outcome).toMatchObject({ replayed: true, status: "applied", results: [{ index: 1, id: createdId, status: "ok", version: 2 }] });
    } finally {
      restore();
    }
    const record = await db.prisma.record.findFirstOrThrow({ where: { id: createdId } });
    expect(record.data).toEqual({ ...memo("n2"), colour: "red" });
  });

  it("records an item that still fails as a new attempt and retries it again next time", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [{ type: "memo", id: "x", action: "delete", base_version: 1 }]);
    const first = await replayBatch(db.prisma, operator, original.batch_id);
    expect(first).toMatchObject({ replayed: true, attempt: 2, status: "rejected", results: [{ status: "error", error: { code: "not_found" } }] });
    await pushAs(db.prisma, alice, 2, [{ type: "memo", id: "x", action: "create", data: memo("x") }]);
    const second = await replayBatch(db.prisma, operator, original.batch_id);
    expect(second).toMatchObject({ replayed: true, attempt: 3, status: "applied", results: [{ status: "ok", version: 2 }] });
    const record = await db.prisma.record.findFirstOrThrow({ where: { id: "x" } });
    expect(record.deleted).toBe(true);
    expect((await db.prisma.batchAttempt.findMany({ orderBy: { attempt: "asc" } })).map((a) => a.status)).toEqual(["rejected", "applied"]);
  });

  it("replays an atomic batch all or nothing: a failing replay applies nothing, a later one applies every item", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [
      { type: "memo", id: "p", action: "create", data: memo("p") },
      { type: "memo", id: "y", action: "update", base_version: 1, data: memo("y edited") },
    ], "atomic");
    expect(original.results.map((r) => r.status)).toEqual(["skipped", "error"]);

    const failed = await replayBatch(db.prisma, operator, original.batch_id);
    expect(failed).toMatchObject({ replayed: true, attempt: 2, status: "rejected" });
    expect(failed.results.map((r) => [r.index, r.status])).toEqual([[0, "skipped"], [1, "error"]]);
    expect(await db.prisma.record.count({ where: { id: "p" } })).toBe(0);
    expect(await db.prisma.change.count({ where: { batchId: original.batch_id } })).toBe(0);
    expect(await db.prisma.auditEntry.count({ where: { action: "batch.replay" } })).toBe(1);

    await pushAs(db.prisma, alice, 2, [{ type: "memo", id: "y", action: "create", data: memo("y") }]);
    const applied = await replayBatch(db.prisma, operator, original.batch_id);
    expect(applied).toMatchObject({ replayed: true, attempt: 3, status: "applied" });
    expect(applied.results.map((r) => [r.index, r.status, r.version])).toEqual([[0, "ok", 1], [1, "ok", 2]]);
    const changes = await db.prisma.change.findMany({ where: { batchId: original.batch_id }, orderBy: { seq: "asc" } });
    expect(changes.map((c) => [c.recordId, c.version])).toEqual([["p", 1], ["y", 2]]);
  });

  it("treats a crashed push (status failed, no stored results) like errors: every item is retried", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [
      { type: "memo", id: "x", action: "update", base_version: 1, data: memo("x2") },
      { type: "memo", id: "y", action: "delete", base_version: 1 },
    ]);
    await db.prisma.syncBatch.update({ where: { id: original.batch_id }, data: { status: "failed", response: {} } });
    await pushAs(db.prisma, alice, 2, ["x", "y"].map((id) => ({ type: "memo", id, action: "create" as const, data: memo(id) })));
    const outcome = await replayBatch(db.prisma, operator, original.batch_id);
    expect(outcome).toMatchObject({ replayed: true, attempt: 2, status: "applied" });
    expect(outcome.results.map((r) => [r.index, r.status, r.version])).toEqual([[0, "ok", 2], [1, "ok", 2]]);
    expect(await db.prisma.syncBatch.findUniqueOrThrow({ where: { id: original.batch_id } })).toMatchObject({ status: "failed", response: {} });
  });

  it("lets concurrent replays of one batch take turns: exactly one attempt is recorded", async () => {
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [{ type: "memo", id: "x", action: "update", base_version: 1, data: memo("x2") }]);
    await pushAs(db.prisma, alice, 2, [{ type: "memo", id: "x", action: "create", data: memo("x") }]);
    const outcomes = await Promise.all([1, 2, 3].map(() => replayBatch(db.prisma, operator, original.batch_id)));
    expect(outcomes.map((o) => o.replayed).sort()).toEqual([false, false, true]);
    expect(await db.prisma.batchAttempt.count()).toBe(1);
    const record = await db.prisma.record.findFirstOrThrow({ where: { id: "x" } });
    expect(record.version).toBe(2);
  });

  it("refuses an unknown batch and a revoked device's batch, recording nothing", async () => {
    await expect(replayBatch(db.prisma, operator, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
    await expect(replayBatch(db.prisma, operator, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
    const alice = await connectDevice(db.prisma, "alice");
    const original = await pushAs(db.prisma, alice, 1, [{ type: "memo", id: "x", action: "delete", base_version: 1 }]);
    await db.prisma.device.update({ where: { id: alice.deviceRef }, data: { revokedAt: new Date() } });
    await expect(replayBatch(db.prisma, operator, original.batch_id)).rejects.toMatchObject({ code: "conflict" });
    expect(await db.prisma.batchAttempt.count()).toBe(0);
    expect(await db.prisma.auditEntry.count({ where: { action: "batch.replay" } })).toBe(0);
  });
});
