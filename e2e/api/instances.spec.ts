// Several instances (issue 9, item 5): two `next start` processes on one PostgreSQL database
// behind a round-robin client, as a load balancer without sticky sessions would spread a device's
// calls. Pushes, pulls, retries, conflicts, acks, background jobs (compaction among them) and
// uploads (Content-Range and tus, on one S3 bucket) must behave exactly as on one instance.
// (Live pokes across instances: live-instances.spec.ts.)
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { ZAckResponse, ZConflictPage, ZPushResponse, ZResolveResponse, type TChange, type TPushResponse, ZErrorBody } from "@syncdesk/protocol";
import { ZAppendResponse, ZCompleteResponse, ZUploadInfo } from "@syncdesk/protocol";
import {
  createScratchDatabase, defineInstances, startInstances, stopInstances, withClient,
  type AppInstance, type ScratchDatabase,
} from "../support/instances";
import { expect, test } from "../support/fixtures";
import { RoundRobin, RoundRobinDevice, sha256 } from "../support/round-robin";

const PORTS = [3243, 3244] as const;
/** A local S3 (s3rver) both instances keep blobs and upload parts in, as in production. */
const S3_PORT = 3245;
const BUCKET = "syncdesk-e2e";
const MiB = 2 ** 20;
/** Streams with more changes than this get compacted by the job (the other tests stay below). */
const MAX_CHANGES = 30;
let database: ScratchDatabase | undefined;
let instances: AppInstance[] = [];
let s3: { server: S3rver; dir: string } | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), "syncdesk-e2e-s3-"));
  s3 = { server: new S3rver({ address: "127.0.0.1", port: S3_PORT, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] }), dir };
  await s3.server.run();
  database = await createScratchDatabase("instances");
  instances = defineInstances(PORTS, database.url, {
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: `http://127.0.0.1:${S3_PORT}`,
    S3_BUCKET: BUCKET,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_FORCE_PATH_STYLE: "true",
    JOBS_ENABLED: "true",
    COMPACTION_INTERVAL_MINUTES: "1",
    COMPACTION_MAX_CHANGES_PER_STREAM: String(MAX_CHANGES),
    SYNC_BOOTSTRAP_CURSOR_TTL_SECONDS: "60",
    LOG_LEVEL: "info", // the job runner's "job run finished" lines say which process ran a slot
  });
  await startInstances(instances);
});

test.afterAll(async () => {
  await stopInstances(instances);
  await database?.drop();
  await s3?.server.close();
  if (s3) rmSync(s3.dir, { recursive: true, force: true });
});

/** A device whose calls alternate the instances (its own turn, or a turn shared with others). */
const openDevice = (userId: string, rr = new RoundRobin(instances.map((i) => i.url))) => RoundRobinDevice.open(userId, rr);
const memo = (content: string) => ({ content, tags: ["rr"], pinned: false });
const query = <T>(sql: string, params: unknown[] = []) =>
  withClient((database as ScratchDatabase).url, async (client) => (await client.query(sql, params)).rows as T[]);

test("pushes and pulls alternate instances: tokens, order and idempotency hold across them", async () => {
  const userId = `rr-${randomUUID().slice(0, 8)}`;
  const writer = await openDevice(userId);
  const reader = await openDevice(userId);
  expect(await reader.bootstrap()).toBe(0);

  // Ten bundles, each through the next instance; the reader pulls in between, also alternating,
  // always with the token the other instance issued.
  const pulled: TChange[] = [];
  const answers: TPushResponse[] = [];
  for (let i = 0; i < 10; i += 1) {
    const answer = await writer.push([
      { type: "memo", id: `m-${i}`, action: "create", data: memo(`memo ${i}`) },
      { type: "diary", id: `d-${i}`, action: "create", data: { date: "2026-11-22", mood: "ok", summary: `day ${i}` } },
    ], i % 2 === 0 ? "atomic" : "partial");
    expect(answer.status).toBe("applied");
    answers.push(answer);
    if (i % 3 === 2) pulled.push(...(await reader.pull(3)));
  }
  pulled.push(...(await reader.pull(3)));
  expect(pulled.map((c) => c.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(pulled.map((c) => c.id)).toEqual(Array.from({ length: 10 }, (_, i) => [`m-${i}`, `d-${i}`]).flat());
  expect(new Set(pulled.map((c) => c.batch_id))).toEqual(new Set(answers.map((a) => a.batch_id)));

  // A retry of every bundle, each through the instance that did not apply it, is answered with
  // the stored result and writes nothing.
  const [a, b] = instances.map((i) => i.url) as [string, string];
  for (const [index, answer] of answers.entries()) {
    const body = { device_id: writer.deviceId, bundle_id: index + 1, mode: index % 2 === 0 ? "atomic" : "partial", items: [
      { type: "memo", id: `m-${index}`, action: "create", data: memo(`memo ${index}`) },
      { type: "diary", id: `d-${index}`, action: "create", data: { date: "2026-11-22", mood: "ok", summary: `day ${index}` } },
    ] };
    expect(await writer.ok("POST", "/sync/push", body, index % 2 === 0 ? b : a)).toEqual(answer);
  }

  // The same new bundle sent to both instances at once: one applies it, both answer the same.
  const racing = writer.bundle([{ type: "memo", id: "race", action: "create", data: memo("raced") }]);
  const [onA, onB] = await Promise.all([writer.ok("POST", "/sync/push", racing, a), writer.ok("POST", "/sync/push", racing, b)]);
  expect(onA).toEqual(onB);
  const [counts] = await query<{ batches: number; changes: number; head: string }>(
    `SELECT (SELECT count(*)::int FROM sync_batches b JOIN devices d ON d.id = b.device_ref WHERE d.device_id = $1) AS batches,
            (SELECT count(*)::int FROM changes WHERE stream = $2) AS changes,
            (SELECT head_seq::text FROM streams WHERE name = $2) AS head`, [writer.deviceId, `user:${userId}`]);
  expect(counts).toEqual({ batches: 11, changes: 21, head: "21" });
  const tail = await reader.pull();
  expect(tail.map((c) => [c.seq, c.id])).toEqual([[21, "race"]]);
});

test("a conflict stored through one instance is listed and resolved through the other", async () => {
  const userId = `rr-${randomUUID().slice(0, 8)}`;
  const rr = new RoundRobin(instances.map((i) => i.url));
  const phone = await openDevice(userId, rr);
  const tablet = await openDevice(userId, rr);
  const [a, b] = instances.map((i) => i.url) as [string, string];
  await phone.bootstrap();

  // meter's policy is manual: two edits based on version 1 leave the second one stored.
  const meter = (reading: number) => ({ code: "M-1", reading, unit: "kWh" });
  const created = ZPushResponse.parse(await phone.ok("POST", "/sync/push", phone.bundle([{ type: "meter", id: "m-1", action: "create", data: meter(1) }]), a));
  expect(created.results[0]).toMatchObject({ status: "ok", version: 1 });
  const first = ZPushResponse.parse(await tablet.ok("POST", "/sync/push", tablet.bundle([{ type: "meter", id: "m-1", action: "update", base_version: 1, data: meter(2) }]), b));
  expect(first.results[0]).toMatchObject({ status: "ok", version: 2 });
  const second = ZPushResponse.parse(await phone.ok("POST", "/sync/push", phone.bundle([{ type: "meter", id: "m-1", action: "update", base_version: 1, data: meter(3) }]), a));
  const conflictId = second.results[0]?.conflict?.conflict_id;
  expect(second.results[0]?.status).toBe("conflict");
  expect(conflictId).toEqual(expect.any(String));

  const listed = ZConflictPage.parse(await tablet.ok("GET", "/conflicts?status=open", undefined, b));
  expect(listed.conflicts.map((c) => c.id)).toEqual([conflictId]);
  const resolved = ZResolveResponse.parse(await tablet.ok("POST", `/conflicts/${conflictId}/resolve`, { resolution: "manual_merge", data: meter(2.5) }, b));
  expect(resolved.conflict.status).toBe("resolved");
  expect(resolved.record).toMatchObject({ version: 3, data: meter(2.5) });

  // The other instance knows it is resolved: a second resolution is refused and changes nothing.
  const again = await phone.call("POST", `/conflicts/${conflictId}/resolve`, { resolution: "accept_client" }, a);
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ error: { code: "conflict" } });
  const [stored] = await query<{ status: string; resolution: string; version: number }>(
    `SELECT c.status, c.resolution, r.version FROM conflicts c JOIN records r ON r.stream = c.stream AND r.type = c.type AND r.id = c.record_id WHERE c.id = $1`,
    [conflictId]);
  expect(stored).toEqual({ status: "resolved", resolution: "manual_merge", version: 3 });

  // Devices pull the resolution, with its conflict note, through either instance.
  const changes = await phone.pull();
  expect(changes.map((c) => [c.id, c.version])).toEqual([["m-1", 1], ["m-1", 2], ["m-1", 3]]);
  expect(changes.at(-1)?.conflict).toMatchObject({ conflict_id: conflictId, reason: "manual_merge" });
  expect(ZConflictPage.parse(await phone.ok("GET", "/conflicts?status=open", undefined, a)).conflicts).toEqual([]);
});

test("background jobs run once per slot across instances, and compaction is seen through both", async () => {
  test.setTimeout(300_000);
  const userId = `rr-${randomUUID().slice(0, 8)}`;
  const device = await openDevice(userId);
  const stream = `user:${userId}`;
  await device.bootstrap();
  const staleToken = device.token;

  // More changes than the stream may keep; the device acks at the head (through the other
  // instance than it pulled from), so only the changes before the newest MAX_CHANGES may go.
  for (let i = 0; i < 8; i += 1) {
    await device.push(Array.from({ length: 5 }, (_, j) => ({ type: "memo", id: `c-${i}-${j}`, action: "create" as const, data: memo(`c ${i} ${j}`) })));
  }
  expect(await device.pull()).toHaveLength(40);
  const ack = ZAckResponse.parse(await device.ok("POST", "/sync/ack", { device_id: device.deviceId, token: device.token }));
  expect(ack.checkpoint[stream]).toBe(40);

  // A scheduled compaction run (each minute, on whichever instance claims the slot) moves the point.
  await expect.poll(async () => (await query<{ p: string }>("SELECT compacted_until_seq::text AS p FROM streams WHERE name = $1", [stream]))[0]?.p,
    { timeout: 200_000, intervals: [2_000] }).toBe(String(40 - MAX_CHANGES));
  const [left] = await query<{ n: number; min: string }>("SELECT count(*)::int AS n, min(seq)::text AS min FROM changes WHERE stream = $1", [stream]);
  expect(left).toEqual({ n: MAX_CHANGES, min: String(40 - MAX_CHANGES + 1) });

  // Both instances agree: the old token is compacted away on each, and a bootstrap recovers.
  for (const base of instances.map((i) => i.url)) {
    const stale = await device.call("POST", "/sync/pull", { token: staleToken }, base);
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: "bootstrap_required", details: { reason: "compacted" } } });
  }
  expect(await device.bootstrap()).toBe(40);
  expect(await device.pull()).toEqual([]);

  // One run per (job, slot) across both processes: every run is logged by exactly one of them,
  // runs of a job never overlap, and each process ran its own job runner.
  type Run = { id: string; job: string; slot: Date; instance: string; status: string; started_at: Date; finished_at: Date | null };
  const outcomeIds = (instance: AppInstance) => instance.logLines()
    .filter((l) => l.msg === "job run finished" || l.msg === "job run failed").map((l) => String(l.runId));
  // A consistent snapshot: no run in progress, and every run's outcome already in a log.
  let runs: Run[] = [];
  let logged: string[][] = [];
  await expect.poll(async () => {
    runs = await query<Run>("SELECT id::text, job, slot, instance, status, started_at, finished_at FROM job_runs ORDER BY job, started_at");
    logged = instances.map(outcomeIds);
    const seen = new Set(logged.flat());
    return runs.every((r) => r.status !== "running" && seen.has(r.id));
  }, { timeout: 60_000 }).toBe(true);
  for (const instance of instances) expect(instance.logLines().some((l) => l.msg === "background jobs started")).toBe(true);
  expect(runs.filter((r) => r.job === "compaction").length).toBeGreaterThanOrEqual(2);
  expect(runs.every((r) => r.status === "succeeded")).toBe(true);
  expect(new Set(runs.map((r) => `${r.job} ${r.slot.toISOString()}`)).size).toBe(runs.length);
  expect([...logged.flat()].sort()).toEqual(runs.map((r) => r.id).sort());
  const ranBy = runs.map((r) => logged.findIndex((ids) => ids.includes(r.id)));
  for (const [index, run] of runs.entries()) {
    const sameProcess = runs.filter((other, j) => ranBy[j] === ranBy[index]);
    expect(new Set(sameProcess.map((r) => r.instance)), `instance names of process ${ranBy[index]}`).toEqual(new Set([run.instance]));
    const next = runs[index + 1];
    if (next?.job === run.job) expect(run.finished_at?.getTime() ?? Infinity).toBeLessThanOrEqual(next.started_at.getTime());
  }
  const summary = `${runs.length} job runs: ${logged.map((ids, i) => `instance ${i + 1} ran ${ids.length}`).join(", ")}`;
  test.info().annotations.push({ type: "jobs", description: summary });
  console.log(`instances: ${summary}`);
});

test("a resumable upload's chunks alternate instances (Content-Range), on one S3 bucket", async () => {
  test.setTimeout(180_000);
  const device = await openDevice(`rr-${randomUUID().slice(0, 8)}`);
  await device.bootstrap();
  const [a, b] = instances.map((i) => i.url) as [string, string];
  const bytes = new Uint8Array(randomBytes(13 * MiB));
  const created = await device.call("POST", "/uploads", { filename: "survey.bin", size: bytes.length, content_type: "application/octet-stream" }, a);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const upload = ZUploadInfo.parse(created.body);
  const uploadPath = new URL(upload.upload_url, a).pathname;

  // Each chunk goes to the instance that did not take the previous one; that instance knows the
  // offset the other one saved.
  const chunk = 3 * MiB;
  for (let start = 0, turn = 1; start < bytes.length; start += chunk, turn += 1) {
    const end = Math.min(start + chunk, bytes.length) - 1;
    const base = turn % 2 === 1 ? b : a;
    expect(ZUploadInfo.parse(await device.ok("GET", `/uploads/${upload.upload_id}`, undefined, base)).offset).toBe(start);
    const put = await device.raw("PUT", base, uploadPath,
      { "content-range": `bytes ${start}-${end}/${bytes.length}`, "content-type": "application/octet-stream" }, bytes.subarray(start, end + 1));
    expect(put.status).toBe(200);
    expect(ZAppendResponse.parse(await put.json()).offset).toBe(end + 1);
  }
  // A late retry of the first chunk, through the other instance: 416 with the offset, nothing kept.
  const stale = await device.raw("PUT", a, uploadPath, { "content-range": `bytes 0-${chunk - 1}/${bytes.length}` }, bytes.subarray(0, chunk));
  expect(stale.status).toBe(416);
  expect(ZErrorBody.parse(await stale.json()).error.details).toMatchObject({ offset: bytes.length });

  const done = ZCompleteResponse.parse(await device.ok("POST", `/uploads/${upload.upload_id}/complete`, { sha256: sha256(bytes) }, b));
  expect(done.blob).toMatchObject({ size: bytes.length, sha256: `sha256:${sha256(bytes)}` });
  for (const base of [a, b]) expect(await device.downloadSha256(base, done.blob.key)).toBe(sha256(bytes));
  const [session] = await query<{ status: string; offset: string }>("SELECT status, \"offset\"::text AS offset FROM upload_sessions WHERE id = $1", [upload.upload_id]);
  expect(session).toEqual({ status: "completed", offset: String(bytes.length) });
  expect((await device.pull()).map((c) => [c.type, c.id])).toEqual([[done.record.type, done.record.id]]);
});

test("a tus upload PATCHes through both instances, on one S3 bucket", async () => {
  test.setTimeout(180_000);
  const device = await openDevice(`rr-${randomUUID().slice(0, 8)}`);
  await device.bootstrap();
  const [a, b] = instances.map((i) => i.url) as [string, string];
  const bytes = new Uint8Array(randomBytes(12 * MiB + 12_345));
  const meta = (value: string) => Buffer.from(value).toString("base64");
  const tus = { "tus-resumable": "1.0.0" };
  const created = await device.raw("POST", a, "/api/v1/tus", {
    ...tus, "upload-length": String(bytes.length),
    "upload-metadata": `filename ${meta("scan.bin")},filetype ${meta("application/octet-stream")},sha256 ${meta(sha256(bytes))}`,
  });
  expect(created.status).toBe(201);
  const location = new URL(created.headers.get("location") ?? "", a).pathname;
  const id = location.split("/").at(-1) ?? "";

  // PATCHes alternate instances; before each, the other instance's HEAD reports the offset.
  const chunk = 5 * MiB;
  let blobKey: string | null = null;
  for (let offset = 0, turn = 1; offset < bytes.length; offset += chunk, turn += 1) {
    const base = turn % 2 === 1 ? b : a;
    const head = await device.raw("HEAD", base === a ? b : a, location, tus);
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe(String(offset));
    const patch = await device.raw("PATCH", base, location,
      { ...tus, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" }, bytes.subarray(offset, offset + chunk));
    expect(patch.status, await patch.clone().text()).toBe(204);
    expect(patch.headers.get("upload-offset")).toBe(String(Math.min(offset + chunk, bytes.length)));
    blobKey = patch.headers.get("upload-blob-key") ?? blobKey;
  }
  // Both instances answer the finished upload with its blob.
  for (const base of [a, b]) {
    const head = await device.raw("HEAD", base, location, tus);
    expect(head.headers.get("upload-offset")).toBe(String(bytes.length));
    blobKey ??= head.headers.get("upload-blob-key");
    expect(head.headers.get("upload-blob-key")).toBe(blobKey);
  }
  expect(blobKey).toEqual(expect.any(String));
  for (const base of [a, b]) expect(await device.downloadSha256(base, blobKey as string)).toBe(sha256(bytes));
  const [row] = await query<{ blobs: number; finished: boolean }>(
    "SELECT (SELECT count(*)::int FROM blobs WHERE key = $1) AS blobs, (SELECT finished_at IS NOT NULL FROM tus_uploads WHERE id = $2) AS finished",
    [blobKey, id]);
  expect(row).toEqual({ blobs: 1, finished: true });
});
