import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { appendAudit } from "@/server/audit/append";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

describe("audit_log is append-only in the database itself", () => {
  it("refuses UPDATE, DELETE and TRUNCATE, and keeps the row as written", async () => {
    await appendAudit(db.prisma, {
      actor: { type: "staff", id: "s-1" },
      action: "device.revoke",
      target: { type: "device", id: "d-1" },
      details: { before: { revoked: false }, after: { revoked: true } },
    });
    await expect(db.prisma.$executeRawUnsafe(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const rows = await db.prisma.auditEntry.findMany();
    expect(rows.map((r) => r.action)).toEqual(["device.revoke"]);
  });

  it("lets retention delete old rows only after opting in for its transaction", async () => {
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL syncdesk.audit_retention = 'on'`);
      await tx.$executeRawUnsafe(`DELETE FROM audit_log`);
    });
    expect(await db.prisma.auditEntry.count()).toBe(0);
    await appendAudit(db.prisma, { actor: { type: "system", id: "t" }, action: "x", target: { type: "t", id: "1" } });
    // The opt-in ended with its transaction.
    await expect(db.prisma.$executeRawUnsafe(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});
