// A server restart as one device sees it, step by step (the random cases mix these with everything
// else): the server crashes right after applying a push, before its answer leaves; or it is down
// when the push is sent. Either way the device gets a connection error, waits, sends the same bytes
// (same bundle_id) to the restarted server, and the edit is applied once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FetchLike } from "@syncdesk/client";
import { serverSummary } from "../support/replica";
import { clientSummary, makeClient } from "../support/sdk";
import { startRestartableServer, type RestartableServer } from "./restartable-server";

let server: RestartableServer;
let users = 0;
const user = (name: string) => `restart-${name}-${++users}-${Date.now()}`;
const memo = (content: string) => ({ content, tags: [], pinned: false });

beforeAll(async () => {
  server = await startRestartableServer();
});
afterAll(async () => {
  await server?.close();
});

/** Records every push body and failed request; `before`/`after` run around the first push only. */
function pushesWith(hooks: { before?: () => Promise<void>; after?: () => Promise<void> }): { fetch: FetchLike; bodies: string[]; errors: string[] } {
  const bodies: string[] = [];
  const errors: string[] = [];
  const fetchThrough: FetchLike = async (input, init) => {
    const push = input.endsWith("/sync/push");
    if (push) bodies.push(String(init.body));
    const first = push && bodies.length === 1;
    if (first) await hooks.before?.();
    try {
      const response = await fetch(input, init);
      if (first && hooks.after) {
        await hooks.after();
        throw new TypeError("socket hang up: the server went away before its answer");
      }
      return response;
    } catch (error) {
      errors.push(String(error));
      throw error;
    }
  };
  return { fetch: fetchThrough, bodies, errors };
}

describe("a device across a server restart", () => {
  it("resends a push the server applied just before it restarted; the server applies it once", async () => {
    const fay = user("fay");
    const restarts = server.restarts;
    const net = pushesWith({ after: () => server.restart() });
    const device = await makeClient(server.url, fay, { fetch: net.fetch, sleep: () => server.up() });
    await device.create("memo", memo("one"));
    await device.create("memo", memo("two"));
    await device.sync();
    expect(server.restarts).toBe(restarts + 1);
    expect(net.errors).toHaveLength(1);
    expect(net.bodies).toHaveLength(2);
    expect(net.bodies[1]).toBe(net.bodies[0]); // the same idempotency key and bytes
    expect(await server.db.prisma.syncBatch.count({ where: { userId: fay } })).toBe(1);
    expect(await server.db.prisma.change.count({ where: { stream: `user:${fay}` } })).toBe(2);
    expect(await device.pendingCount()).toBe(0);
    expect(await clientSummary(device)).toEqual(await serverSummary(server.db.prisma, [`user:${fay}`]));
  });

  it("retries a push refused while the server was down, on the restarted server, once", async () => {
    const gus = user("gus");
    let restarting: Promise<void> = Promise.resolve();
    const net = pushesWith({
      before: async () => {
        restarting = server.restart(); // down from here until it is back
      },
    });
    const device = await makeClient(server.url, gus, { fetch: net.fetch, sleep: () => server.up() });
    await device.create("memo", memo("while down"));
    await device.sync();
    await restarting;
    expect(net.errors.length).toBeGreaterThanOrEqual(1);
    expect(new Set(net.bodies).size).toBe(1);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: gus } })).toBe(1);
    expect(await server.db.prisma.change.count({ where: { stream: `user:${gus}` } })).toBe(1);
    expect(await clientSummary(device)).toEqual(await serverSummary(server.db.prisma, [`user:${gus}`]));
  });

  it("keeps what was committed before the restart: the records are read back from the reopened database", async () => {
    const hal = user("hal");
    const device = await makeClient(server.url, hal);
    await device.create("memo", memo("kept"));
    await device.sync();
    const before = await serverSummary(server.db.prisma, [`user:${hal}`]);
    const oldDb = server.db;
    await server.restart();
    expect(server.db).not.toBe(oldDb);
    expect(await serverSummary(server.db.prisma, [`user:${hal}`])).toEqual(before);
    const other = await makeClient(server.url, hal);
    await other.sync();
    expect(await clientSummary(other)).toEqual(before);
  });
});
