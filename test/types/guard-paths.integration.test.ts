// Field guards hold on every write path (INTEGRATION.md section 1): a device's push, an operator's
// replay, a staff resolution and a staff restore. Each refusal leaves the record as it was.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { replayBatch } from "@/server/batches/replay";
import { resolveConflict } from "@/server/conflicts/resolve";
import { AppError } from "@/server/errors";
import { restoreRecord } from "@/server/records/restore";
import type { StaffIdentity } from "@/server/staff/accounts";
import { connectDevice, createStaffAs, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { installConfig } from "@/test/support/types";

const CLAIMS = {
  types: {
    claim: {
      version: 1,
      policy: "manual",
      schema: {
        type: "object", additionalProperties: false, required: ["ref", "status"],
        properties: { ref: { type: "string" }, status: { type: "string" }, amount: { type: "number" }, approved_by: { type: "string" } },
      },
      fields: {
        ref: { immutable: true },
        approved_by: { server_only: true },
        status: { transitions: { draft: ["submitted"], submitted: ["approved", "rejected"] } },
      },
    },
  },
};

let db: TestDatabase;
let operator: StaffIdentity;
let restoreTypes: () => void;
beforeAll(() => {
  restoreTypes = installConfig(CLAIMS);
});
afterAll(() => restoreTypes());
beforeEach(async () => {
  db = await createTestDatabase();
  operator = await createStaffAs(db.prisma, "operator");
});
afterEach(() => db.close());

const key = (userId: string) => ({ stream: `user:${userId}`, type: "claim", id: "c1" });
const claim = (status: string, extra: Record<string, unknown> = {}) => ({ ref: "R-1", status, amount: 10, ...extra });
const record = (userId: string) => db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: key(userId) }, select: { version: true, data: true } });
const errorsOf = (response: { results: { error?: { code: string; details?: { fields: { field: string }[] } } }[] }) =>
  response.results.map((r) => r.error && [r.error.code, r.error.details?.fields.map((f) => f.field)]);

describe("field guards on every path", () => {
  it("push: server-only, immutable and transition guards refuse device writes", async () => {
    const phone = await connectDevice(db.prisma, "ivy");
    const refused = await pushAs(db.prisma, phone, 1, [{ type: "claim", id: "c1", action: "create", data: claim("draft", { approved_by: "me" }) }]);
    expect(errorsOf(refused)).toEqual([["invalid_data", ["approved_by"]]]);
    expect(await db.prisma.record.count()).toBe(0);
    // submitted is not where a claim starts
    const skipping = await pushAs(db.prisma, phone, 2, [{ type: "claim", id: "c1", action: "create", data: claim("submitted") }]);
    expect(errorsOf(skipping)).toEqual([["invalid_transition", ["status"]]]);
    expect(await db.prisma.record.count()).toBe(0);
    await pushAs(db.prisma, phone, 3, [{ type: "claim", id: "c1", action: "create", data: claim("draft") }]);
    const updates = await pushAs(db.prisma, phone, 4, [
      { type: "claim", id: "c1", action: "update", base_version: 1, data: claim("draft", { ref: "R-2" }) },
      { type: "claim", id: "c1", action: "update", base_version: 1, data: claim("approved") },
    ]);
    expect(errorsOf(updates)).toEqual([["invalid_data", ["ref"]], ["invalid_transition", ["status"]]]);
    expect(await record("ivy")).toEqual({ version: 1, data: claim("draft") });
  });

  it("replay: an item that failed before is held to the guards when it is retried", async () => {
    const phone = await connectDevice(db.prisma, "jo");
    const tablet = await connectDevice(db.prisma, "jo");
    // The update reaches the server before the create it depends on: not_found, retriable.
    const early = await pushAs(db.prisma, phone, 1, [{ type: "claim", id: "c1", action: "update", base_version: 1, data: claim("approved") }]);
    expect(errorsOf(early)).toEqual([["not_found", undefined]]);
    await pushAs(db.prisma, tablet, 1, [{ type: "claim", id: "c1", action: "create", data: claim("draft") }]);
    const replayed = await replayBatch(db.prisma, operator, early.batch_id);
    expect(replayed).toMatchObject({ replayed: true, status: "rejected", results: [{ status: "error", error: { code: "invalid_transition" } }] });
    expect(await record("jo")).toEqual({ version: 1, data: claim("draft") });
  });

  it("staff resolution: accepting a client value that breaks a transition is refused, the conflict stays open", async () => {
    const phone = await connectDevice(db.prisma, "kim");
    const tablet = await connectDevice(db.prisma, "kim");
    await pushAs(db.prisma, phone, 1, [{ type: "claim", id: "c1", action: "create", data: claim("draft") }]);
    await pushAs(db.prisma, phone, 2, [{ type: "claim", id: "c1", action: "update", base_version: 1, data: claim("submitted") }]);
    // The tablet edited version 1 offline: the manual policy stores a conflict.
    const stale = await pushAs(db.prisma, tablet, 1, [{ type: "claim", id: "c1", action: "update", base_version: 1, data: claim("draft", { amount: 12 }) }]);
    const conflictId = stale.results[0]?.conflict?.conflict_id ?? "";
    expect(conflictId).not.toBe("");
    const actor = { type: "staff" as const, id: operator.id };
    const refused = await resolveConflict(db.prisma, actor, "all", conflictId, { resolution: "accept_client" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "invalid_request", details: { fields: [{ field: "data.status" }] } });
    expect(await record("kim")).toEqual({ version: 2, data: claim("submitted") });
    expect(await db.prisma.conflict.findUniqueOrThrow({ where: { id: conflictId } })).toMatchObject({ status: "open" });
    // The device resolving its own conflict may not set a server-only field.
    const asDevice = await resolveConflict(db.prisma, { type: "device", id: tablet.deviceRef }, { streams: tablet.streams }, conflictId, {
      resolution: "manual_merge", data: claim("submitted", { approved_by: "tablet" }),
    }).catch((e: unknown) => e);
    expect(asDevice).toMatchObject({ code: "invalid_request", details: { fields: [{ field: "data.approved_by" }] } });
    expect(await record("kim")).toEqual({ version: 2, data: claim("submitted") });
    // A merge that keeps the server's status is allowed.
    await resolveConflict(db.prisma, actor, "all", conflictId, { resolution: "manual_merge", data: claim("submitted", { amount: 12 }) });
    expect(await record("kim")).toEqual({ version: 3, data: claim("submitted", { amount: 12 }) });
  });

  it("staff restore: an old version whose status the flow cannot go back to is refused", async () => {
    const phone = await connectDevice(db.prisma, "lee");
    await pushAs(db.prisma, phone, 1, [{ type: "claim", id: "c1", action: "create", data: claim("draft") }]);
    await pushAs(db.prisma, phone, 2, [{ type: "claim", id: "c1", action: "update", base_version: 1, data: claim("submitted") }]);
    await pushAs(db.prisma, phone, 3, [{ type: "claim", id: "c1", action: "update", base_version: 2, data: claim("approved") }]);
    const refused = await restoreRecord(db.prisma, operator, key("lee"), { version: 1, expectedVersion: 3, reason: "undo" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "invalid_request", details: { fields: [{ field: "status" }] } });
    expect(await record("lee")).toEqual({ version: 3, data: claim("approved") });
  });
});
