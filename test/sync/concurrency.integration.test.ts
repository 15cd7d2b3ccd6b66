// Concurrent writers and a concurrent reader on one shared stream (issue 2's acceptance; research/
// scenarios.md "Where real implementations lose data"): every change is delivered exactly once,
// seqs have no gaps, bundles stay whole and consecutive, and the reader ends equal to the server.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { TChange, TPushItem } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memo, pullPage, push } from "../support/sync-client";

const STREAM = "org:x";
const WRITERS = 20;
const BUNDLES = 4;

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

/** Bundle `b` of a writer: three creates, an update of the previous bundle's first record and a
 *  delete of a record two bundles back, so the log holds every op. */
function bundle(user: string, b: number): TPushItem[] {
  const id = (bundleIndex: number, i: number) => `${user}-${bundleIndex}-${i}`;
  const items: TPushItem[] = [0, 1, 2].map((i) => ({
    type: "memo", id: id(b, i), stream: STREAM, action: "create", data: memo(`${user} ${b} ${i}`),
  }));
  if (b > 0) items.push({ type: "memo", id: id(b - 1, 0), stream: STREAM, action: "update", base_version: 1, data: memo("edited") });
  if (b > 1) items.push({ type: "memo", id: id(b - 2, 1), stream: STREAM, action: "delete", base_version: 1 });
  return items;
}

async function write(device: TestDevice): Promise<number> {
  let applied = 0;
  for (let b = 0; b < BUNDLES; b++) {
    const response = await push(device, b + 1, bundle(device.userId, b));
    if (response.status !== "applied") throw new Error(`bundle ${b} of ${device.userId}: ${response.status}`);
    applied += response.results.length;
  }
  return applied;
}

it(`${WRITERS} devices push to one shared stream while another pulls: each change exactly once`, async () => {
  const writers = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => makeDevice(server.url, `writer${i}`, { streams: [STREAM] })),
  );
  const reader = await makeDevice(server.url, "reader", { streams: [STREAM] });
  let token = await freshToken(reader);
  const pages: TChange[][] = [];
  let writing = true;
  const pushed = Promise.all(writers.map(write)).finally(() => (writing = false));
  pushed.catch(() => undefined); // a failure is reported by the await below, after the reader stops
  for (;;) {
    const stillWriting = writing; // read before the pull: a page after the last commit must follow
    const page = await pullPage(reader, token, 7);
    pages.push(page.changes);
    token = page.token;
    if (!stillWriting && !page.more) break;
  }
  const applied = (await pushed).reduce((a, b) => a + b, 0);

  const delivered = pages.flat();
  const logged = await server.db.prisma.change.findMany({ where: { stream: STREAM }, orderBy: { seq: "asc" } });
  expect(applied).toBe(WRITERS * (3 * BUNDLES + (BUNDLES - 1) + (BUNDLES - 2)));
  expect(logged).toHaveLength(applied);
  expect(delivered.map((c) => c.seq)).toEqual(logged.map((_, i) => i + 1));
  expect(delivered.map((c) => [c.id, c.op, c.version, c.batch_id])).toEqual(logged.map((c) => [c.recordId, c.op, c.version, c.batchId]));

  // Each bundle: consecutive seqs (the stream lock is held to commit) and all on one page.
  const pageOf = new Map<string, Set<number>>();
  pages.forEach((p, n) => p.forEach((c) => pageOf.set(c.batch_id ?? "", (pageOf.get(c.batch_id ?? "") ?? new Set()).add(n))));
  expect(pageOf.size).toBe(WRITERS * BUNDLES);
  expect([...pageOf.values()].filter((set) => set.size !== 1)).toEqual([]);
  for (const batch of pageOf.keys()) {
    const seqs = delivered.filter((c) => c.batch_id === batch).map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
  }

  const replica = new Replica();
  replica.applyChanges(delivered);
  expect(replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM, "user:reader"]));
  expect(replica.rows.size).toBe(WRITERS * (3 * BUNDLES - (BUNDLES - 2)));
});
