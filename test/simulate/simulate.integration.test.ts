// The simulator behind `npm run simulate`, briefly, against the test server: its devices edit
// offline and online, conflict and resolve, and still end identical.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { runSimulation } from "@/scripts/simulate-run";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
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
    const stored = await server.db.prisma.record.count({ where: { stream: { startsWith: `user:${summary.runId}` } } });
    expect(stored).toBeGreaterThan(0);
  });
});
