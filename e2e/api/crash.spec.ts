// Crash safety (issue 9, item 4): devices push continuously while the server is SIGKILLed five
// times at random moments and restarted on the same PostgreSQL database. Clients retry every
// unanswered push with the same bundle after the restart. Afterwards the database and pulls from
// zero must show every bundle exactly once and whole, and a reader that pulled during the crashes,
// like a SQL observer polling the change log, must never have seen part of a bundle.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { ZBootstrapResponse, type TChange } from "@syncdesk/protocol";
import { Availability, changeKey, postUntilAnswered, pullAll } from "../support/crash-client";
import { expect, test } from "../support/fixtures";
import { AppInstance, createScratchDatabase, type ScratchDatabase } from "../support/instances";
import { markerOf, seededRandom, WorkloadDevice } from "../support/push-workload";

const PORT = 3242;
const DEVICES = 6;
const KILLS = 5;
const SHARED = "org:crash";
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

let database: ScratchDatabase | undefined;
let server: AppInstance | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createScratchDatabase("crash");
  // A load generator, not phones: the per-device and per-user rate limits would refuse it.
  server = new AppInstance({
    port: PORT,
    databaseUrl: database.url,
    env: { JOBS_ENABLED: "false", RATE_LIMIT_DEVICE_REQUESTS: "off", RATE_LIMIT_USER_REQUESTS: "off" },
  });
  await server.start();
});

test.afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

test("SIGKILL five times during sustained pushes: every bundle exactly once, whole, and pullable", async ({ deviceJwt }) => {
  test.setTimeout(600_000);
  const app = server as AppInstance;
  const url = app.url;
  const availability = new Availability();
  const random = seededRandom(SEED);
  test.info().annotations.push({ type: "seed", description: `CRASH_SEED=${SEED}` });

  // Every device (and the reader) bootstraps first: their tokens stand at zero in every stream.
  const open = async (userId: string) => {
    const jwt = await deviceJwt(userId, { streams: [SHARED], expiresIn: "1h" });
    const client = { jwt, deviceId: randomUUID() };
    const { answer } = await postUntilAnswered(url, client, "/api/v1/sync/bootstrap", { device_id: client.deviceId }, availability);
    const page = ZBootstrapResponse.parse(answer);
    expect(page.items).toEqual([]);
    if (page.more || page.token === null) throw new Error("an empty database bootstraps in one page, with a token");
    return { userId, client, zeroToken: page.token };
  };
  const pushers = await Promise.all(Array.from({ length: DEVICES }, async (_, i) => {
    const { userId, client, zeroToken } = await open(`crash-${i}-${randomUUID().slice(0, 8)}`);
    return { client, zeroToken, device: new WorkloadDevice(userId, client.deviceId, SHARED, seededRandom(SEED + i + 1)) };
  }));
  const reader = await open(`crash-reader-${randomUUID().slice(0, 8)}`);

  let answered = 0;
  let inFlight = 0;
  const inFlightAtKill: number[] = [];

  // 1. Pushers: one bundle at a time per device, each retried with the same body until answered.
  const pushing = pushers.map(async ({ client, device }) => {
    while (!availability.stopping) {
      const { body, expected } = device.nextBundle();
      inFlight += 1;
      const result = await postUntilAnswered(url, client, "/api/v1/sync/push", body, availability).finally(() => (inFlight -= 1));
      device.accept(body, expected, result.answer, result.failedAttempts, result.lastFailureAt);
      answered += 1;
    }
  }).map((loop) => loop.catch((error: unknown) => availability.fail(error)));

  // 2. A reader pulls small pages all along; every page is kept to check for split bundles.
  const readerPages: TChange[][] = [];
  let readerToken = reader.zeroToken;
  const reading = (async () => {
    while (!availability.stopping) {
      const pulled = await pullAll(url, reader.client, readerToken, 5, availability);
      readerPages.push(...pulled.pages);
      readerToken = pulled.token;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })().catch((error: unknown) => availability.fail(error));

  // 3. A SQL observer: each poll is one statement, so one snapshot of what is committed. Besides
  //    each bundle's change count, a snapshot must never hold a record whose last change is
  //    missing, a change beyond its stream's head, or a batch without its stored answer.
  const observed = new Map<string, Set<number>>();
  const torn: unknown[] = [];
  let snapshots = 0;
  const observer = new pg.Client({ connectionString: (database as ScratchDatabase).url });
  await observer.connect();
  const observing = (async () => {
    while (!availability.stopping) {
      const { rows } = await observer.query<{ key: string | null; n: number; orphans: number; beyond: number; unanswered: number }>(`
        WITH counts AS (SELECT stream || ' ' || batch_id::text AS key, count(*)::int AS n FROM changes GROUP BY stream, batch_id),
        checks AS (SELECT
          (SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM changes c
             WHERE c.stream = r.stream AND c.seq = r.last_seq AND c.record_id = r.id AND c.version = r.version))::int AS orphans,
          (SELECT count(*) FROM changes c JOIN streams s ON s.name = c.stream WHERE c.seq > s.head_seq)::int AS beyond,
          (SELECT count(*) FROM sync_batches WHERE status = 'processing')::int AS unanswered)
        SELECT counts.key, counts.n, checks.* FROM checks LEFT JOIN counts ON true`);
      snapshots += 1;
      const [first] = rows;
      if (first && (first.orphans > 0 || first.beyond > 0 || first.unanswered > 0)) torn.push(first);
      for (const row of rows) if (row.key !== null) observed.set(row.key, (observed.get(row.key) ?? new Set()).add(row.n));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })().catch((error: unknown) => availability.fail(error));

  // 4. The crashes: wait for steady pushing, a random moment, SIGKILL, restart on the same database.
  const waitForAnswers = async (count: number) => {
    const target = answered + count;
    const deadline = Date.now() + 180_000;
    while (answered < target) {
      if (availability.failure !== null) throw availability.failure;
      if (Date.now() > deadline) throw new Error(`only ${answered} of ${target} pushes answered`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const restarts: number[] = [];
  try {
    for (let kill = 0; kill < KILLS; kill += 1) {
      await waitForAnswers(25);
      await new Promise((resolve) => setTimeout(resolve, random() * 1_500));
      availability.down();
      inFlightAtKill.push(inFlight);
      await app.kill();
      await app.start();
      restarts.push(Date.now());
      availability.restored();
    }
    await waitForAnswers(30);
  } catch (error) {
    availability.fail(error);
  } finally {
    availability.stopping = true;
    availability.restored();
  }
  await Promise.all([...pushing, reading, observing]);
  await observer.end();
  if (availability.failure !== null) throw availability.failure;

  const db = new pg.Client({ connectionString: (database as ScratchDatabase).url });
  await db.connect();
  try {
    const bundles = pushers.flatMap((p) => p.device.sent.map((sent) => ({ ...sent, pusher: p })));
    const retried = bundles.filter((b) => b.failedAttempts > 0);
    // A retry answered with a processed_at before its failure: the lost answer's commit, replayed.
    const replayed = retried.filter((b) => b.lastFailureAt !== null && Date.parse(b.answer.processed_at) < b.lastFailureAt);
    const summary = `${bundles.length} bundles (${bundles.filter((b) => b.expected === null).length} rejected atomic), ` +
      `${KILLS} kills with ${inFlightAtKill.join("/")} pushes in flight, ${retried.length} retried, ` +
      `${replayed.length} of them answered from the result stored before the kill; ` +
      `${readerPages.length} pages pulled and ${snapshots} SQL snapshots taken during the run; ` +
      `${availability.unavailable} answers 503 (retried)`;
    test.info().annotations.push({ type: "crash", description: summary });
    console.log(`crash: ${summary}`);
    expect(restarts).toHaveLength(KILLS);
    expect(retried.length).toBeGreaterThan(0);

    // 5. One sync batch per (device, bundle): its id is the batch_id the client was answered with.
    const { rows: batches } = await db.query<{ device_id: string; bundle_id: string; id: string; status: string }>(
      "SELECT d.device_id, b.bundle_id::text, b.id::text, b.status FROM sync_batches b JOIN devices d ON d.id = b.device_ref");
    expect(batches).toHaveLength(bundles.length);
    const batchOf = new Map(batches.map((b) => [`${b.device_id}/${b.bundle_id}`, b]));
    for (const b of bundles) {
      const row = batchOf.get(`${b.body.device_id}/${b.body.bundle_id}`);
      expect(row, `batch of ${b.body.device_id}/${b.body.bundle_id}`).toMatchObject({ id: b.answer.batch_id, status: b.answer.status });
    }

    // 6. Each bundle whole or absent: exactly its expected changes carry its batch_id, no others.
    const { rows: changes } = await db.query<{ stream: string; seq: string; type: string; record_id: string; op: string; version: number; batch_id: string | null; marker: string | null }>(
      `SELECT stream, seq::text, type, record_id, op, version, batch_id::text,
              coalesce(data->>'content', data->>'summary') AS marker FROM changes ORDER BY changes.stream, changes.seq`);
    const byBatch = new Map<string, typeof changes>();
    for (const c of changes) byBatch.set(c.batch_id ?? "-", [...(byBatch.get(c.batch_id ?? "-") ?? []), c]);
    for (const b of bundles) {
      const written = (byBatch.get(b.answer.batch_id) ?? []).map((c) => `${c.stream} ${c.record_id} ${c.op} v${c.version} ${c.marker}`).sort();
      const expected = (b.expected ?? []).map((c) => `${c.stream} ${c.id} ${c.op} v${c.version} ${c.marker}`).sort();
      expect(written, `changes of bundle ${b.body.device_id}/${b.body.bundle_id}`).toEqual(expected);
    }
    expect(changes.length).toBe(bundles.reduce((n, b) => n + (b.expected?.length ?? 0), 0));

    // 7. Seqs are gap-free per stream up to its head; each record's versions are 1..n once each.
    const { rows: heads } = await db.query<{ name: string; head_seq: string }>("SELECT name, head_seq::text FROM streams");
    for (const head of heads) {
      const seqs = changes.filter((c) => c.stream === head.name).map((c) => Number(c.seq));
      expect(seqs, `seqs of ${head.name}`).toEqual(Array.from({ length: Number(head.head_seq) }, (_, i) => i + 1));
    }
    const { rows: records } = await db.query<{ id: string; stream: string; version: number; deleted: boolean; marker: string | null; last_seq: string }>(
      "SELECT id, stream, version, deleted, coalesce(data->>'content', data->>'summary') AS marker, last_seq::text FROM records");
    const known = new Map(pushers.flatMap((p) => [...p.device.records]));
    expect(records).toHaveLength(known.size);
    for (const record of records) {
      const mine = changes.filter((c) => c.record_id === record.id);
      expect(mine.map((c) => c.version), `versions of ${record.id}`).toEqual(Array.from({ length: record.version }, (_, i) => i + 1));
      expect(record.last_seq).toBe(mine.at(-1)?.seq);
      const expected = known.get(record.id);
      expect({ stream: record.stream, version: record.version, deleted: record.deleted }).toEqual({
        stream: expected?.stream, version: expected?.version, deleted: expected?.deleted,
      });
      if (!record.deleted) expect(record.marker).toBe(expected?.marker);
    }

    // 8. Every retry is idempotent: each bundle sent once more gets the identical stored answer.
    await Promise.all(pushers.map(async (p) => {
      for (const sent of p.device.sent) {
        const again = await postUntilAnswered(url, p.client, "/api/v1/sync/push", sent.body, availability);
        expect(again.answer, `replay of ${sent.body.device_id}/${sent.body.bundle_id}`).toEqual(sent.answer);
      }
    }));
    const { rows: [after] } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM changes");
    expect(Number(after?.n)).toBe(changes.length);

    // 9. Pulls from zero see exactly the union of the applied bundles, each device its streams.
    const dbKeys = (streams: string[]) => changes.filter((c) => streams.includes(c.stream))
      .map((c) => changeKey({ stream: c.stream, seq: Number(c.seq), id: c.record_id, op: c.op, version: c.version, batch_id: c.batch_id }));
    for (const p of pushers) {
      const pulled = await pullAll(url, p.client, p.zeroToken, 1000, availability);
      expect(pulled.changes.map(changeKey).sort()).toEqual(dbKeys([SHARED, p.device.ownStream]).sort());
      for (const c of pulled.changes) if (c.op === "upsert") expect(markerOf(c.type, c.data)).not.toBeNull();
    }

    // 10. Nothing seen during the crashes was part of a bundle: the reader's pages and every
    //     SQL snapshot held each (stream, batch) whole, and the reader got every change once.
    const finalCount = new Map<string, number>();
    for (const c of changes) finalCount.set(`${c.stream} ${c.batch_id}`, (finalCount.get(`${c.stream} ${c.batch_id}`) ?? 0) + 1);
    for (const page of readerPages) {
      const counts = new Map<string, number>();
      for (const c of page) counts.set(`${c.stream} ${c.batch_id}`, (counts.get(`${c.stream} ${c.batch_id}`) ?? 0) + 1);
      for (const [key, n] of counts) expect(n, `bundle ${key} on a reader page`).toBe(finalCount.get(key));
    }
    for (const [key, counts] of observed) expect([...counts], `bundle ${key} in SQL snapshots`).toEqual([finalCount.get(key)]);
    expect(torn, `torn SQL snapshots out of ${snapshots}`).toEqual([]);
    expect(snapshots).toBeGreaterThan(KILLS);
    const rest = await pullAll(url, reader.client, readerToken, 1000, availability);
    const readerSaw = [...readerPages.flat(), ...rest.changes].map(changeKey);
    expect(readerSaw.sort()).toEqual(dbKeys([SHARED]).sort());
  } finally {
    await db.end();
  }
});
