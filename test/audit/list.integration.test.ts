// The console's audit log: each filter narrows to exactly the matching entries, newest first,
// keyset paged by id; staff actors are shown by email.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { listAudit, type AuditQuery } from "@/server/audit/list";

let db: TestDatabase;
let entries: Record<"e1" | "e2" | "e3" | "e4" | "e5", string>;
let staffId: string;
const now = new Date("2030-05-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

beforeEach(async () => {
  db = await createTestDatabase();
  // A staff row written directly: createStaff would append an audit entry of its own.
  staffId = (await db.prisma.staffUser.create({ data: { email: "sam@example.test", role: "support" } })).id;
  const add = async (actorType: string, actorId: string, action: string, targetType: string, targetId: string, at: Date) =>
    (await db.prisma.auditEntry.create({ data: { actorType, actorId, action, targetType, targetId, at, details: { n: action } } })).id.toString();
  entries = {
    e1: await add("staff", staffId, "conflict.resolve", "conflict", "c-1", minutesAgo(180)),
    e2: await add("device", "ann/tablet", "conflict.resolve", "conflict", "c-2", minutesAgo(120)),
    e3: await add("staff", staffId, "device.revoke", "device", "d-1", minutesAgo(60)),
    e4: await add("system", "cli", "staff.create", "staff", staffId, minutesAgo(30)),
    e5: await add("staff", "other-staff", "batch.replay", "batch", "b-1", minutesAgo(0)),
  };
});
afterEach(() => db.close());

const list = async (query: Partial<AuditQuery>) => (await listAudit(db.prisma, { limit: 50, ...query }, now)).rows.map((r) => r.id);

describe("listAudit", () => {
  it("filters by actor, action (exact or prefix), target and time window, newest first", async () => {
    const { e1, e2, e3, e4, e5 } = entries;
    expect(await list({})).toEqual([e5, e4, e3, e2, e1]);
    expect(await list({ actorType: "staff" })).toEqual([e5, e3, e1]);
    expect(await list({ actorId: staffId })).toEqual([e3, e1]);
    expect(await list({ action: "conflict.resolve" })).toEqual([e2, e1]);
    expect(await list({ action: "conflict." })).toEqual([e2, e1]);
    expect(await list({ action: "conflict" })).toEqual([]);
    expect(await list({ targetType: "device" })).toEqual([e3]);
    expect(await list({ targetType: "conflict", targetId: "c-2" })).toEqual([e2]);
    expect(await list({ from: minutesAgo(90) })).toEqual([e5, e4, e3]);
    expect(await list({ to: minutesAgo(90) })).toEqual([e2, e1]);
    expect(await list({ sinceHours: 1 })).toEqual([e5, e4, e3]);
    expect(await list({ sinceHours: 2, from: minutesAgo(45) })).toEqual([e5, e4]);
    expect(await list({ actorType: "staff", from: minutesAgo(150), to: minutesAgo(1) })).toEqual([e3]);
  });

  it("shows targets, details and staff actors by email", async () => {
    const [row] = (await listAudit(db.prisma, { limit: 1, actorId: staffId, action: "device.revoke" }, now)).rows;
    expect(row).toEqual({
      id: entries.e3, at: minutesAgo(60), action: "device.revoke",
      actor: { type: "staff", id: staffId, label: "sam@example.test" },
      target: { type: "device", id: "d-1" }, details: { n: "device.revoke" },
    });
    const [unknownStaff] = (await listAudit(db.prisma, { limit: 1, actorId: "other-staff" }, now)).rows;
    expect(unknownStaff?.actor.label).toBe("other-staff");
  });

  it("pages by id, each entry once, and refuses a forged cursor", async () => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listAudit(db.prisma, { limit: 2, ...(cursor ? { cursor } : {}) }, now);
      pages.push(page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const { e1, e2, e3, e4, e5 } = entries;
    expect(pages).toEqual([[e5, e4], [e3, e2], [e1]]);
    await expect(listAudit(db.prisma, { limit: 2, cursor: "1; DROP" }, now)).rejects.toMatchObject({ code: "invalid_request" });
  });
});
