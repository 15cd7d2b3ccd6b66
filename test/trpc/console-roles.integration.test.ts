// Role checks of the conflicts, audit and overview procedures: each is allowed for its minimum
// role, FORBIDDEN for the role below (a refused resolution changes nothing), and UNAUTHORIZED
// without a session.
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callerFor, makeStaff, openMeterConflict, snapshotWrites, type OpenedConflict } from "@/test/support/console";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import type { Db } from "@/server/db/client";
import type { StaffIdentity } from "@/server/staff/accounts";

let db: TestDatabase;
let opened: OpenedConflict;
let staff: Record<"viewer" | "support", StaffIdentity>;
beforeEach(async () => {
  db = await createTestDatabase();
  opened = await openMeterConflict(db.prisma, "ann");
  staff = {
    viewer: await makeStaff(db.prisma, "viewer"),
    support: await makeStaff(db.prisma, "support"),
  };
});
afterEach(() => db.close());

type Caller = ReturnType<typeof callerFor>;
type Procedure = { name: string; minimum: keyof typeof staff; below: "viewer" | null; call: (caller: Caller) => Promise<unknown> };

const procedures: Procedure[] = [
  { name: "conflicts.list", minimum: "viewer", below: null, call: (c) => c.conflicts.list({ status: "open" }) },
  { name: "conflicts.get", minimum: "viewer", below: null, call: (c) => c.conflicts.get({ id: opened.conflictId }) },
  {
    name: "conflicts.validateMerge", minimum: "support", below: "viewer",
    call: (c) => c.conflicts.validateMerge({ id: opened.conflictId, data: { code: opened.code, reading: 7, unit: "kWh" } }),
  },
  {
    name: "conflicts.resolve", minimum: "support", below: "viewer",
    call: (c) => c.conflicts.resolve({ id: opened.conflictId, resolution: "accept_client", expectedVersion: 2 }),
  },
  { name: "audit.list", minimum: "viewer", below: null, call: (c) => c.audit.list({}) },
  { name: "overview.stats", minimum: "viewer", below: null, call: (c) => c.overview.stats({ window: "7d" }) },
];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

const as = (dbClient: Db, who: StaffIdentity | null) => callerFor(dbClient, who);

describe("console procedures by role", () => {
  for (const procedure of procedures) {
    it(`${procedure.name}: allowed for ${procedure.minimum}`, async () => {
      await expect(procedure.call(as(db.prisma, staff[procedure.minimum]))).resolves.toBeDefined();
    });

    it(`${procedure.name}: UNAUTHORIZED without a session${procedure.below ? `, FORBIDDEN for ${procedure.below}` : ""}; nothing written`, async () => {
      const before = await snapshotWrites(db.prisma);
      expect(await codeOf(procedure.call(as(db.prisma, null)))).toBe("UNAUTHORIZED");
      if (procedure.below) expect(await codeOf(procedure.call(as(db.prisma, staff[procedure.below])))).toBe("FORBIDDEN");
      expect(await snapshotWrites(db.prisma)).toEqual(before);
    });
  }

  it("conflicts.resolve by support writes as that staff member", async () => {
    await as(db.prisma, staff.support).conflicts.resolve({ id: opened.conflictId, resolution: "accept_client", expectedVersion: 2 });
    const conflict = await db.prisma.conflict.findUniqueOrThrow({ where: { id: opened.conflictId } });
    expect(conflict.resolvedBy).toBe(`staff:${staff.support.id}`);
  });
});
