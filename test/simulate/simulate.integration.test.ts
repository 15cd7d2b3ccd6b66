// The simulator behind `npm run simulate`, briefly, against the test server: its devices edit
// offline and online, conflict and resolve, upload files (some cut off and resumed), and still end
// identical, with every finished upload served back with the same bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { runSimulation } from "@/scripts/simulate-run";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { startTestStore, type TestStore } from "../uploads/support/stores";

let server: TestServer;
let store: TestStore;
beforeAll(async () => {
  server = await startTestServer();
  store = await startTestStore("file");
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

describe("npm run simulate", () => {
  it("drives edits, offline periods and syncs through the SDK, and the devices converge", async () => {
    const summary = await runSimulation({
      url: server.url, devices: 6, users: 2, durationMs: 500, minActions: 25, seed: 42, thinkMs: 20, progressEveryMs: 200,
      mintJwt: (userId, streams) => mintDeviceJwt({ userId, streams, secret: TEST_JWT_SECRET }),
    });
    expect(summary.mismatches).toEqual([]);
    expect(summary.converged).toBe(true);
    expect(summary.totals.pending).toBe(0);
    expect(summary.totals.edits).toBeGreaterThan(0);
    expect(summary.totals.pushed).toBeGreaterThan(0);
    expect(summary.totals.uploads).toBeGreaterThan(0); // and checked byte for byte (mismatches above)
    const blobs = await server.db.prisma.blob.count({ where: { ownerId: { startsWith: summary.runId } } });
    expect(blobs).toBe(summary.totals.uploads);
    const stored = await server.db.prisma.record.count({ where: { stream: { startsWith: `user:${summary.runId}` } } });
    expect(stored).toBeGreaterThan(0);
  });
});
