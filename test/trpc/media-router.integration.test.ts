// The console's media procedures: the blobs records reference (with keys that were never uploaded
// listed apart) and a user's uploads; any console role may view them, nobody logged out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "@/server/staff/roles";
import { finishUpload } from "@/server/uploads/finish";
import { configureTestEnv, createStaffAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const createCaller = createCallerFactory(appRouter);
async function callerAs(role: Role | null) {
  return createCaller({ db: db.prisma, staff: role ? await createStaffAs(db.prisma, role) : null });
}
const alice = { userId: "alice", streams: ["user:alice"] };

describe("media router", () => {
  it("lists the blobs records reference, images marked for preview, unknown keys apart", async () => {
    const photo = await finishUpload(db.prisma, alice, { storageKey: "uploads/x", size: 10, sha256: "a".repeat(64), contentType: "image/jpeg", filename: "site.jpg" });
    const pdf = await finishUpload(db.prisma, alice, { storageKey: "uploads/y", size: 20, sha256: "b".repeat(64), contentType: "application/pdf", filename: "report.pdf" });
    const ghost = `b_${"G".repeat(22)}`;
    const viewer = await callerAs("viewer");
    const found = await viewer.media.forRecords({
      records: [
        { type: "photo", data: { caption: "a", image: photo.blob.key } },
        { type: "photo", data: { caption: "b", image: ghost } },
        { type: "blob", data: { key: pdf.blob.key } },
        { type: "memo", data: { content: photo.blob.key } }, // not a media field
        { type: "nope", data: null },
      ],
    });
    expect(found.blobs.map((b) => [b.filename, b.image, b.url])).toEqual([
      ["site.jpg", true, `/api/console/blobs/${photo.blob.key}`],
      ["report.pdf", false, `/api/console/blobs/${pdf.blob.key}`],
    ]);
    expect(found.missing).toEqual([ghost]);
    const mine = await viewer.media.forUser({ userId: "alice" });
    expect(mine.map((b) => b.key).sort()).toEqual([photo.blob.key, pdf.blob.key].sort());
    expect(await viewer.media.forUser({ userId: "bob" })).toEqual([]);
  });

  it("refuses callers who are not logged in", async () => {
    const nobody = await callerAs(null);
    await expect(nobody.media.forUser({ userId: "alice" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.media.forRecords({ records: [] })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
