// The job runner on both engines: one run per schedule slot, every run recorded with its result
// or error, no overlapping runs of one job, dead runs taken over after their lease, and two app
// instances (two Prisma clients on one PostgreSQL database) that never run a slot twice.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { PrismaClient } from "@/server/db/generated/client";
import { env } from "@/server/env";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createJobRunner, type JobDefinition } from "@/server/jobs/runner";
import { startJobs, stopJobs } from "@/server/jobs/start";

process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "syncdesk-test-"));
process.env.LOG_LEVEL ??= "silent";

const HOUR = 3_600_000;

let db: TestDatabase;
let now: Date;
const clock = () => now;

beforeEach(async () => {
  db = await createTestDatabase();
  now = new Date("2030-01-01T10:15:00.000Z");
});
afterEach(() => db.close());

/** A job that counts its runs; `fail` makes the next runs throw; a run waits for `gate`. */
type CountingJob = { runs: number; fail: boolean; gate: Promise<void>; definition: JobDefinition };

function countingJob(name: string, options: { fail?: boolean } = {}): CountingJob {
  const job: CountingJob = {
    runs: 0,
    fail: options.fail ?? false,
    gate: Promise.resolve(),
    definition: {
      name,
      intervalMs: HOUR,
      leaseMs: 2 * HOUR,
      run: async () => {
        job.runs += 1;
        await job.gate;
        if (job.fail) throw new Error(`${name} broke`);
        return { run: job.runs };
      },
    },
  };
  return job;
}

const runsOf = (job: string) =>
  db.prisma.jobRun.findMany({ where: { job }, orderBy: { startedAt: "asc" }, select: { slot: true, trigger: true, instance: true, status: true, result: true, error: true, finishedAt: true } });

describe("a job runner", () => {
  it("runs each job once per slot and records its result, or its error without stopping", async () => {
    const good = countingJob("good");
    const bad = countingJob("bad", { fail: true });
    const runner = createJobRunner({ db: db.prisma, jobs: [good.definition, bad.definition], instance: "i1", clock });

    const outcomes = await runner.tick();
    expect(outcomes.map((o) => [o.job, o.status])).toEqual([["good", "succeeded"], ["bad", "failed"]]);
    await runner.tick();
    now = new Date("2030-01-01T10:59:59.999Z");
    await runner.tick();
    expect([good.runs, bad.runs]).toEqual([1, 1]);

    now = new Date("2030-01-01T11:00:00.000Z");
    bad.fail = false;
    await runner.tick();
    expect([good.runs, bad.runs]).toEqual([2, 2]);

    const slot = (iso: string) => new Date(iso);
    expect(await runsOf("good")).toEqual([
      { slot: slot("2030-01-01T10:00:00.000Z"), trigger: "schedule", instance: "i1", status: "succeeded", result: { run: 1 }, error: null, finishedAt: expect.any(Date) },
      { slot: slot("2030-01-01T11:00:00.000Z"), trigger: "schedule", instance: "i1", status: "succeeded", result: { run: 2 }, error: null, finishedAt: expect.any(Date) },
    ]);
    expect(await runsOf("bad")).toEqual([
      { slot: slot("2030-01-01T10:00:00.000Z"), trigger: "schedule", instance: "i1", status: "failed", result: null, error: "Error: bad broke", finishedAt: expect.any(Date) },
      { slot: slot("2030-01-01T11:00:00.000Z"), trigger: "schedule", instance: "i1", status: "succeeded", result: { run: 2 }, error: null, finishedAt: expect.any(Date) },
    ]);
  });

  it("never starts a job while a run of it is still going, and takes a run silent past its lease for dead", async () => {
    const job = countingJob("slow");
    await db.prisma.jobRun.create({
      data: { job: "slow", slot: new Date("2030-01-01T09:00:00.000Z"), trigger: "schedule", instance: "gone", status: "running", startedAt: new Date("2030-01-01T09:30:00.000Z") },
    });
    const runner = createJobRunner({ db: db.prisma, jobs: [job.definition], instance: "i1", clock });

    expect((await runner.tick()).map((o) => o.status)).toEqual(["busy"]);
    expect(job.runs).toBe(0);

    now = new Date("2030-01-01T11:45:00.000Z"); // the 9:30 run is now past its 2-hour lease
    expect((await runner.tick()).map((o) => o.status)).toEqual(["succeeded"]);
    expect(await runsOf("slow")).toEqual([
      expect.objectContaining({ instance: "gone", status: "failed", error: expect.stringMatching(/^abandoned/) }),
      expect.objectContaining({ instance: "i1", status: "succeeded", slot: new Date("2030-01-01T11:00:00.000Z") }),
    ]);
  });
});

/** Resolves once `count` of `promises` have settled. */
function settledCount(promises: Promise<unknown>[], count: number): Promise<void> {
  let settled = 0;
  return new Promise((resolve) => {
    for (const p of promises) void p.finally(() => ++settled === count && resolve());
  });
}

describe("two app instances on one database", () => {
  it("run a scheduled job once per slot, not twice", async () => {
    // On PostgreSQL a second Prisma client, with its own connection pool, is a second instance;
    // the embedded database is one process's, so there both runners share its client.
    const other: Db = db.url ? new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) }) : db.prisma;
    try {
      const job = countingJob("shared");
      const a = createJobRunner({ db: db.prisma, jobs: [job.definition], instance: "a", clock });
      const b = createJobRunner({ db: other, jobs: [job.definition], instance: "b", clock });
      const c = createJobRunner({ db: other, jobs: [job.definition], instance: "c", clock });

      for (const slot of ["2030-01-01T10:15:00.000Z", "2030-01-01T11:15:00.000Z"]) {
        now = new Date(slot);
        let release: () => void = () => {};
        job.gate = new Promise<void>((resolve) => (release = resolve));
        // All of them claim the slot at once; the winner's run goes on only once every other
        // claim has answered, so no claim can come after the run has finished.
        const ticks = [a.tick(), b.tick(), c.tick(), a.tick(), b.tick(), c.tick()];
        await settledCount(ticks, ticks.length - 1);
        release();
        const outcomes = (await Promise.all(ticks)).flat();
        expect(outcomes.filter((o) => o.status === "succeeded")).toHaveLength(1);
      }

      expect(job.runs).toBe(2);
      const runs = await runsOf("shared");
      expect(runs.map((r) => [r.slot.toISOString(), r.status])).toEqual([
        ["2030-01-01T10:00:00.000Z", "succeeded"],
        ["2030-01-01T11:00:00.000Z", "succeeded"],
      ]);
    } finally {
      if (other !== db.prisma) await other.$disconnect();
    }
  });
});

describe("startJobs", () => {
  it("runs every registered job when the server starts, and none with JOBS_ENABLED=false", async () => {
    expect(startJobs(db.prisma, { ...env(), JOBS_ENABLED: "false" })).toBeNull();
    expect(await db.prisma.jobRun.count()).toBe(0);

    expect(startJobs(db.prisma, { ...env(), JOBS_ENABLED: "true" })).not.toBeNull();
    await stopJobs();
    const runs = await db.prisma.jobRun.findMany({ select: { job: true, status: true, trigger: true }, orderBy: { job: "asc" } });
    expect(runs).toEqual([
      { job: "compaction", status: "succeeded", trigger: "schedule" },
      { job: "retention", status: "succeeded", trigger: "schedule" },
      { job: "upload-expiry", status: "succeeded", trigger: "schedule" },
    ]);
  });
});
