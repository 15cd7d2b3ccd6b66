// The Compaction page's procedures: anyone may look, operators compact now (audited as them);
// what the page shows per stream, per device at risk and per job run.
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StaffIdentity } from "@/server/staff/accounts";
import { callerFor, makeStaff } from "@/test/support/console";
import { makeDevice, type TestDevice } from "@/test/support/device";
import { ageChanges, setCheckpoint, streamState } from "@/test/support/history";
import { startTestServer, type TestServer } from "@/test/support/server";
import { memoCreates, push } from "@/test/support/sync-client";

let server: TestServer;
let writer: TestDevice;
let staff: Record<"viewer" | "support" | "operator", StaffIdentity>;

beforeEach(async () => {
  server = await startTestServer();
  writer = await makeDevice(server.url, "alice");
  await push(writer, 1, memoCreates(6, "m")); // user:alice 1-6
  await ageChanges(server.db.prisma, "user:alice", 40);
  const db = server.db.prisma;
  staff = { viewer: await makeStaff(db, "viewer"), support: await makeStaff(db, "support"), operator: await makeStaff(db, "operator") };
});
afterEach(() => server.close());

const as = (who: StaffIdentity | null) => callerFor(server.db.prisma, who);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

/** Everything "compact now" could write. */
async function writes() {
  const db = server.db.prisma;
  return {
    changes: await db.change.count(),
    streams: await db.stream.findMany({ orderBy: { name: "asc" } }),
    runs: await db.jobRun.count(),
    audit: await db.auditEntry.count(),
  };
}

describe("roles", () => {
  it("lets a viewer read every view, and refuses compact now to viewers and support (FORBIDDEN) and to no session, writing nothing", async () => {
    const viewer = as(staff.viewer);
    await expect(viewer.compaction.overview()).resolves.toMatchObject({ jobs: expect.any(Array) });
    await expect(viewer.compaction.streams({})).resolves.toMatchObject({ streams: expect.any(Array) });
    await expect(viewer.compaction.devices({})).resolves.toMatchObject({ devices: expect.any(Array) });
    await expect(viewer.compaction.runs({})).resolves.toMatchObject({ runs: expect.any(Array) });

    const before = await writes();
    expect(await codeOf(viewer.compaction.compactNow({}))).toBe("FORBIDDEN");
    expect(await codeOf(as(staff.support).compaction.compactNow({}))).toBe("FORBIDDEN");
    expect(await codeOf(as(null).compaction.compactNow({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(as(null).compaction.streams({}))).toBe("UNAUTHORIZED");
    expect(await writes()).toEqual(before);
  });

  it("lets an operator compact now: a manual run, audited with the operator as actor", async () => {
    const run = await as(staff.operator).compaction.compactNow({ stream: "user:alice" });

    expect(run).toMatchObject({ status: "succeeded", result: { streamsCompacted: 1, changesDeleted: 6 } });
    expect(await streamState(server.db.prisma, "user:alice")).toMatchObject({ compactedUntil: 6, seqs: [] });
    const recorded = await server.db.prisma.jobRun.findUniqueOrThrow({ where: { id: run.runId } });
    expect(recorded).toMatchObject({ job: "compaction", trigger: "manual", status: "succeeded" });
    const audit = await server.db.prisma.auditEntry.findFirstOrThrow({ where: { action: "compaction.run" } });
    expect(audit).toMatchObject({ actorType: "staff", actorId: staff.operator.id, targetType: "stream", targetId: "user:alice" });
    expect(audit.details).toMatchObject({ run_id: run.runId, changesDeleted: 6 });
  });

  it("answers NOT_FOUND for an unknown stream and CONFLICT while a compaction runs, writing nothing", async () => {
    const operator = as(staff.operator);
    const before = await writes();
    expect(await codeOf(operator.compaction.compactNow({ stream: "user:nobody" }))).toBe("NOT_FOUND");
    expect(await writes()).toEqual(before);

    await server.db.prisma.jobRun.create({
      data: { job: "compaction", slot: new Date(), trigger: "schedule", instance: "other", status: "running", startedAt: new Date() },
    });
    const running = await writes();
    expect(await codeOf(operator.compaction.compactNow({}))).toBe("CONFLICT");
    expect(await writes()).toEqual(running);
  });
});

describe("views", () => {
  it("shows each stream's head, point, next point, history, oldest change and devices at risk, paged by name", async () => {
    const bob = await makeDevice(server.url, "bob");
    await push(bob, 1, memoCreates(3, "b")); // user:bob 1-3, young
    await setCheckpoint(server.db.prisma, bob, "user:bob", 0, 0); // holds nothing: nothing there is old
    const reader = await makeDevice(server.url, "alice");
    await setCheckpoint(server.db.prisma, reader, "user:alice", 4, 1); // holds alice's stream at 4
    const lagging = await makeDevice(server.url, "alice");
    await setCheckpoint(server.db.prisma, lagging, "user:alice", 2, 1); // below where the next run goes

    const viewer = as(staff.viewer);
    const first = await viewer.compaction.streams({ limit: 1 });
    expect(first.streams).toEqual([
      {
        stream: "user:alice", headSeq: 6, compactedUntilSeq: 0, nextPoint: 2, historyRows: 6,
        historyBytes: expect.any(Number), historyBytesExact: true, oldestRetainedAt: expect.any(Date),
        heldBy: "device", devicesNeedingBootstrap: 0, silentDevices: 0,
      },
    ]);
    expect(first.streams[0]?.historyBytes).toBeGreaterThan(6 * 50);
    expect(first.nextCursor).toBe("user:alice");

    const second = await viewer.compaction.streams({ limit: 1, cursor: first.nextCursor ?? "" });
    expect(second.streams).toMatchObject([{ stream: "user:bob", headSeq: 3, compactedUntilSeq: 0, nextPoint: 0, historyRows: 3, heldBy: null }]);
    expect(second.nextCursor).toBeNull();

    // The lagging device holds at 2 (acked yesterday); once it goes silent the next run passes it.
    await setCheckpoint(server.db.prisma, lagging, "user:alice", 2, 31);
    const after = await viewer.compaction.streams({ q: "alice" });
    expect(after.streams).toMatchObject([{ stream: "user:alice", nextPoint: 4, devicesNeedingBootstrap: 1, silentDevices: 1 }]);
  });

  it("lists the devices that would need a bootstrap, most stale first, paged", async () => {
    const db = server.db.prisma;
    const [behind, silent, fine] = [await makeDevice(server.url, "alice"), await makeDevice(server.url, "alice"), await makeDevice(server.url, "alice")];
    await setCheckpoint(db, behind, "user:alice", 1, 2);
    await setCheckpoint(db, silent, "user:alice", 5, 40);
    await setCheckpoint(db, fine, "user:alice", 6, 0);
    await db.stream.update({ where: { name: "user:alice" }, data: { compactedUntilSeq: 3n } });

    const viewer = as(staff.viewer);
    const first = await viewer.compaction.devices({ limit: 1 });
    expect(first.devices).toMatchObject([{ deviceId: silent.deviceId, stream: "user:alice", checkpointSeq: 5, reason: "silent" }]);
    const second = await viewer.compaction.devices({ limit: 1, cursor: first.nextCursor ?? "" });
    expect(second.devices).toMatchObject([{ deviceId: behind.deviceId, checkpointSeq: 1, compactedUntilSeq: 3, headSeq: 6, reason: "compacted" }]);
    expect(second.nextCursor).toBeNull();
    expect(await codeOf(viewer.compaction.devices({ cursor: "not-a-cursor" }))).toBe("BAD_REQUEST");
  });

  it("shows each job's last and next run, and the job history with failures, newest first, paged", async () => {
    const db = server.db.prisma;
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    await db.jobRun.create({ data: { job: "retention", slot: at(180), trigger: "schedule", instance: "i", status: "succeeded", startedAt: at(180), finishedAt: at(179), result: { batchesDeleted: 0 } } });
    await db.jobRun.create({ data: { job: "compaction", slot: at(120), trigger: "schedule", instance: "i", status: "failed", startedAt: at(120), finishedAt: at(119), error: "Error: disk full" } });
    await as(staff.operator).compaction.compactNow({});

    const viewer = as(staff.viewer);
    const overview = await viewer.compaction.overview();
    expect(overview.policy).toEqual({ retentionDays: 30, maxChangesPerStream: 1_000_000, deviceHoldDays: 30, intervalMinutes: 60, batchRetentionDays: 90, auditRetentionDays: 365 });
    const compaction = overview.jobs.find((j) => j.job === "compaction");
    expect(compaction).toMatchObject({ lastRun: { trigger: "manual", status: "succeeded" }, lastFailure: { error: "Error: disk full" } });
    // No scheduled run in the current slot yet: a runner picks it up at its next tick.
    expect(compaction?.nextRunAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(overview.jobs.map((j) => j.job)).toEqual(["compaction", "retention", "upload-expiry"]);

    const failures = await viewer.compaction.runs({ status: "failed" });
    expect(failures.runs).toMatchObject([{ job: "compaction", status: "failed", error: "Error: disk full" }]);
    const page1 = await viewer.compaction.runs({ limit: 2 });
    expect(page1.runs.map((r) => [r.job, r.status])).toEqual([["compaction", "succeeded"], ["compaction", "failed"]]);
    const page2 = await viewer.compaction.runs({ limit: 2, cursor: page1.nextCursor ?? "" });
    expect(page2.runs.map((r) => [r.job, r.status])).toEqual([["retention", "succeeded"]]);
    expect(page2.nextCursor).toBeNull();
  });
});
