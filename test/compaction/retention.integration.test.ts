// Retention of sync batches and audit entries (their own windows; compaction never touches them):
// what is older than the window goes, in batches, with its replay attempts; nothing newer does;
// the audit log's delete opt-in is the retention transaction's alone.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { appendAudit } from "@/server/audit/append";
import { makeDevice } from "@/test/support/device";
import { DAY_MS } from "@/test/support/history";
import { startTestServer, type TestServer } from "@/test/support/server";
import { memoCreates, push } from "@/test/support/sync-client";
import { applyRetention, retentionPolicy } from "@/server/compaction/retention";

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const SYSTEM = { type: "system", id: "jobs" } as const;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

it("deletes sync batches past BATCH_RETENTION_DAYS with their attempts, and audit entries past AUDIT_RETENTION_DAYS, nothing newer", async () => {
  const db = server.db.prisma;
  const device = await makeDevice(server.url, "alice");
  const pushed = [];
  for (let i = 1; i <= 4; i++) pushed.push(await push(device, i, memoCreates(1, `b${i}`)));
  const [oldest, old, recent] = pushed.map((p) => p.batch_id);
  await db.syncBatch.update({ where: { id: oldest }, data: { createdAt: daysAgo(200) } });
  await db.syncBatch.update({ where: { id: old }, data: { createdAt: daysAgo(91) } });
  await db.syncBatch.update({ where: { id: recent }, data: { createdAt: daysAgo(89) } });
  await db.batchAttempt.create({ data: { batchId: old ?? "", attempt: 1, actor: "staff", status: "applied", results: [] } });
  const entry = (action: string, at: Date) =>
    db.auditEntry.create({ data: { at, actorType: "staff", actorId: randomUUID(), action, targetType: "device", targetId: "d" } });
  await entry("old.one", daysAgo(400));
  await entry("old.two", daysAgo(366));
  await entry("kept.recent", daysAgo(364));
  await appendAudit(db, { actor: SYSTEM, action: "kept.now", target: { type: "job", id: "x" } });
  const recordsBefore = await db.record.count();
  const changesBefore = await db.change.count();

  const policy = retentionPolicy({ BATCH_RETENTION_DAYS: 90, AUDIT_RETENTION_DAYS: 365 });
  const summary = await applyRetention(db, policy, new Date(), SYSTEM, "run-1");

  expect(summary).toMatchObject({ batchesDeleted: 2, auditEntriesDeleted: 2 });
  const batches = await db.syncBatch.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
  expect(batches.map((b) => b.id)).toEqual([recent, pushed[3]?.batch_id]);
  expect(await db.batchAttempt.count()).toBe(0);
  const actions = await db.auditEntry.findMany({ select: { action: true, actorType: true, details: true }, orderBy: { id: "asc" } });
  expect(actions.map((a) => a.action)).toEqual(["kept.recent", "kept.now", "retention.run"]);
  expect(actions[2]).toMatchObject({ actorType: "system", details: { run_id: "run-1", batchesDeleted: 2, auditEntriesDeleted: 2 } });
  // Records and their history are not retention's business.
  expect([await db.record.count(), await db.change.count()]).toEqual([recordsBefore, changesBefore]);
  // The opt-in was local to retention's transaction: a plain delete is refused as before.
  await expect(db.$executeRaw`DELETE FROM audit_log`).rejects.toThrow(/append-only/);
  expect(await db.auditEntry.count()).toBe(3);

  // A second run finds nothing to delete and writes no audit entry.
  expect(await applyRetention(db, policy, new Date(), SYSTEM)).toMatchObject({ batchesDeleted: 0, auditEntriesDeleted: 0 });
  expect(await db.auditEntry.count()).toBe(3);
});
