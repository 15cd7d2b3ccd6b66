// The tus endpoint on the file store, with tus-js-client (a real, unmodified tus client): an upload
// is aborted, resumed where the server says it stopped, and completes into a blob that devices
// pull, optionally attached to a record's media field. Other users' uploads are 404 exactly like
// unknown ones, and every error body is the JSON envelope.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultJobs } from "@/server/jobs/registry";
import { env } from "@/server/env";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, ZErrorBody } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { bodyOf } from "../support/answers";

let server: TestServer;
const CHUNK = 64 * 1024;
const MAX = 4 * 1024 * 1024;

beforeAll(async () => {
  process.env.UPLOAD_MAX_BYTES = String(MAX);
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const idOf = (url: string) => url.split("/").pop() ?? "";

type Outcome = { blobKey: string | null; patchOffsets: number[] };

function tusOptions(device: TestDevice, extra: tus.UploadOptions = {}): tus.UploadOptions {
  return {
    endpoint: `${server.url}/api/v1/tus`,
    headers: { authorization: `Bearer ${device.jwt}`, "x-device-id": device.deviceId },
    chunkSize: CHUNK,
    retryDelays: null,
    ...extra,
  };
}

/** Uploads to the end; returns the blob key answered and the offset of every PATCH sent. */
function uploadToEnd(data: Buffer, options: tus.UploadOptions): Promise<Outcome & { url: string }> {
  const outcome: Outcome = { blobKey: null, patchOffsets: [] };
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(data, {
      ...options,
      onBeforeRequest: (req) => {
        if (req.getMethod() === "PATCH") outcome.patchOffsets.push(Number(req.getHeader("Upload-Offset")));
      },
      onAfterResponse: (_req, res) => {
        outcome.blobKey = res.getHeader("Upload-Blob-Key") ?? outcome.blobKey;
      },
      onError: reject,
      onSuccess: () => resolve({ ...outcome, url: upload.url ?? "" }),
    });
    upload.start();
  });
}

/** Starts an upload and aborts it once `abortAfter` bytes were acknowledged; returns its URL. */
function uploadThenAbort(data: Buffer, options: tus.UploadOptions, abortAfter: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const upload = new tus.Upload(data, {
      ...options,
      onChunkComplete: (_size, accepted) => {
        if (aborted || accepted < abortAfter) return;
        aborted = true;
        upload.abort().then(() => resolve(upload.url ?? ""), reject);
      },
      onError: reject,
      onSuccess: () => reject(new Error("the upload finished before it was aborted")),
    });
    upload.start();
  });
}

async function tusCall(device: TestDevice | null, method: string, target: string, headers: Record<string, string> = {}, body?: Buffer) {
  const response = await fetch(target.startsWith("http") ? target : `${server.url}${target}`, {
    method,
    headers: { "tus-resumable": "1.0.0", ...(device ? { authorization: `Bearer ${device.jwt}` } : {}), ...headers },
    body: body ? new Uint8Array(body) : undefined,
  });
  const text = await response.text();
  // Error bodies through the wire schema: a code outside server/errors.ts fails here.
  return { status: response.status, headers: response.headers, text, json: text && response.status >= 400 ? ZErrorBody.parse(JSON.parse(text)) : null };
}

async function bootstrapToken(device: TestDevice): Promise<string> {
  const answer = await device.call("POST", "/api/v1/sync/bootstrap", { device_id: device.deviceId, limit: 500 });
  expect(answer.status).toBe(200);
  return String(bodyOf(answer, ZBootstrapResponse).token);
}

async function pullChanges(device: TestDevice, token: string) {
  const answer = await device.call("POST", "/api/v1/sync/pull", { token });
  expect(answer.status).toBe(200);
  return bodyOf(answer, ZPullResponse).changes;
}

describe("tus 1.0 endpoint (file store)", () => {
  it("tus-js-client uploads, is aborted, resumes where the server stopped, completes; devices pull the blob", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const token = await bootstrapToken(alice);
    const data = randomBytes(10 * CHUNK + 1234);
    const metadata = { filename: "notes.bin", filetype: "application/octet-stream" };

    const url = await uploadThenAbort(data, tusOptions(alice, { metadata }), 3 * CHUNK);
    const id = idOf(url);
    const head = await tusCall(alice, "HEAD", url);
    expect(head.status).toBe(200);
    const stoppedAt = Number(head.headers.get("upload-offset"));
    expect(stoppedAt).toBeGreaterThanOrEqual(3 * CHUNK);
    expect(stoppedAt).toBeLessThan(data.length);
    expect(head.headers.get("upload-length")).toBe(String(data.length));
    const row = await server.db.prisma.tusUpload.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ userId: alice.userId, deviceId: alice.deviceId, storageKey: `tus/${id}`, size: BigInt(data.length), blobKey: null });

    const resumed = await uploadToEnd(data, tusOptions(alice, { uploadUrl: url }));
    expect(resumed.patchOffsets[0]).toBe(stoppedAt); // resumed, not restarted
    expect(resumed.blobKey).toMatch(/^b_/);
    const blobKey = resumed.blobKey ?? "";

    const blob = await server.db.prisma.blob.findUniqueOrThrow({ where: { key: blobKey } });
    expect(blob).toMatchObject({ ownerId: alice.userId, size: BigInt(data.length), sha256: sha256(data), storageKey: `tus/${id}`, filename: "notes.bin" });
    const stored = readFileSync(path.join(process.env.DATA_DIR ?? "", "blobs", "tus", id));
    expect(sha256(stored)).toBe(sha256(data));
    expect((await server.db.prisma.tusUpload.findUniqueOrThrow({ where: { id } })).blobKey).toBe(blobKey);

    const changes = await pullChanges(alice, token);
    const record = changes.find((c) => c.type === "blob" && c.id === blobKey);
    expect(record?.data).toMatchObject({ key: blobKey, size: data.length, sha256: `sha256:${sha256(data)}`, filename: "notes.bin" });

    // Resuming a finished upload (HEAD) names its blob; nothing is created twice.
    const again = await tusCall(alice, "HEAD", url);
    expect(again.headers.get("upload-offset")).toBe(String(data.length));
    expect(again.headers.get("upload-blob-key")).toBe(blobKey);
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(1);
    // A finished upload is a blob now: it cannot be terminated.
    const terminate = await tusCall(alice, "DELETE", url);
    expect(terminate.status).toBe(400);
    expect(terminate.json?.error.code).toBe("invalid_request");
    expect(sha256(readFileSync(path.join(process.env.DATA_DIR ?? "", "blobs", "tus", id)))).toBe(sha256(data));

    const metrics = await (await fetch(`${server.url}/api/metrics`)).text();
    const value = (line: RegExp) => Number(line.exec(metrics)?.[1] ?? 0);
    expect(value(/^syncdesk_uploads_started_total\{kind="tus"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^syncdesk_uploads_completed_total\{kind="tus"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^syncdesk_upload_bytes_total (\d+)/m)).toBeGreaterThanOrEqual(data.length);
  });

  it("attaches the finished upload to a record's media field named in the metadata", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const pushed = await alice.call("POST", "/api/v1/sync/push", {
      device_id: alice.deviceId, bundle_id: 1,
      items: [{ type: "photo", id: "p-1", action: "create", data: { caption: "cat", image: null } }],
    });
    expect(pushed.status).toBe(200);
    const token = await bootstrapToken(alice);
    const data = randomBytes(2 * CHUNK + 7);
    const done = await uploadToEnd(data, tusOptions(alice, {
      metadata: { filename: "cat.jpg", filetype: "image/jpeg", attach_type: "photo", attach_id: "p-1", attach_field: "image", sha256: sha256(data) },
    }));
    const changes = await pullChanges(alice, token);
    const photo = changes.find((c) => c.type === "photo" && c.id === "p-1");
    expect(photo?.data).toEqual({ caption: "cat", image: done.blobKey });
    expect(await server.db.prisma.blob.findUnique({ where: { key: done.blobKey ?? "" } })).toMatchObject({ contentType: "image/jpeg", sha256: sha256(data) });
  });

  it("never lets another user HEAD, PATCH, DELETE or complete an upload: 404 exactly like an unknown one", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const mallory = await makeDevice(server.url, `mallory-${randomBytes(4).toString("hex")}`);
    // Small chunks: the refused PATCH bodies fit in socket buffers (the server answers unread).
    const data = randomBytes(3 * 1024);
    const url = await uploadThenAbort(data, tusOptions(alice, { metadata: { filename: "a.bin" }, chunkSize: 1024 }), 1024);
    const id = idOf(url);
    const offset = Number((await tusCall(alice, "HEAD", url)).headers.get("upload-offset"));
    const unknown = `/api/v1/tus/${randomBytes(16).toString("hex")}`;
    const rest = data.subarray(offset);
    const patchHeaders = { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" };

    for (const [method, headers, body] of [["HEAD", {}, undefined], ["PATCH", patchHeaders, rest], ["DELETE", {}, undefined]] as const) {
      const foreign = await tusCall(mallory, method, url, headers, body);
      const missing = await tusCall(mallory, method, unknown, headers, body);
      expect(foreign.status, method).toBe(404);
      expect(foreign.text).toBe(missing.text);
      if (method !== "HEAD") expect(foreign.json?.error.code).toBe("not_found");
    }
    // Nor by naming it after a path of one's own (tus would read the id off the query string).
    const own = await tusCall(mallory, "POST", "/api/v1/tus", { "upload-length": "7" });
    const sneaky = `${own.headers.get("location")}?x=/${id}`;
    // Each request acts on mallory's own upload (length 7, offset 0), never on alice's.
    expect((await tusCall(mallory, "HEAD", sneaky)).headers.get("upload-length")).toBe("7");
    expect((await tusCall(mallory, "PATCH", sneaky, patchHeaders, rest)).status).toBe(409);
    expect((await tusCall(mallory, "DELETE", sneaky)).status).toBe(204);
    // Nothing changed: same offset, row and bytes, no blob.
    expect(Number((await tusCall(alice, "HEAD", url)).headers.get("upload-offset"))).toBe(offset);
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id } })).toMatchObject({ userId: alice.userId, blobKey: null });
    expect(await server.db.prisma.blob.count({ where: { OR: [{ ownerId: mallory.userId }, { ownerId: alice.userId }] } })).toBe(0);

    // Without credentials: the protocol's 401, and no upload is created.
    const before = await server.db.prisma.tusUpload.count();
    const anonymous = await tusCall(null, "POST", "/api/v1/tus", { "upload-length": "10" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json?.error.code).toBe("unauthorized");
    expect(await server.db.prisma.tusUpload.count()).toBe(before);

    // The owner completes it.
    const done = await uploadToEnd(data, tusOptions(alice, { uploadUrl: url }));
    expect(done.patchOffsets[0]).toBe(offset);
    expect(await server.db.prisma.blob.findUnique({ where: { key: done.blobKey ?? "" } })).toMatchObject({ ownerId: alice.userId });
  });

  it("keeps tus status codes with envelope bodies: 409 offset, 413 too large, 460 checksum, 400 metadata; DELETE terminates", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const create = (headers: Record<string, string>) => tusCall(alice, "POST", "/api/v1/tus", headers);
    const meta = (entries: Record<string, string>) =>
      Object.entries(entries).map(([k, v]) => `${k} ${Buffer.from(v).toString("base64")}`).join(",");
    const count = () => server.db.prisma.tusUpload.count({ where: { userId: alice.userId } });

    const tooLarge = await create({ "upload-length": String(MAX + 1) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json?.error.code).toBe("payload_too_large");
    const badMeta = await create({ "upload-length": "10", "upload-metadata": meta({ filename: "a.bin", attach_type: "photo" }) });
    expect(badMeta.status).toBe(400);
    expect(badMeta.json?.error.code).toBe("invalid_request");
    expect(await count()).toBe(0);

    const data = randomBytes(1000);
    const created = await create({ "upload-length": String(data.length), "upload-metadata": meta({ filename: "a.bin", sha256: sha256(randomBytes(8)) }) });
    expect(created.status).toBe(201);
    const url = created.headers.get("location") ?? "";
    const id = idOf(url);
    const patch = (offset: number, body: Buffer) =>
      tusCall(alice, "PATCH", url, { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" }, body);
    expect((await patch(0, data.subarray(0, 400))).status).toBe(204);
    const conflict = await patch(0, data.subarray(0, 400));
    expect(conflict.status).toBe(409);
    expect(conflict.json?.error.code).toBe("conflict");
    expect((await tusCall(alice, "HEAD", url)).headers.get("upload-offset")).toBe("400"); // unchanged
    const mismatch = await patch(400, data.subarray(400));
    expect(mismatch.status).toBe(460);
    expect(mismatch.json?.error.code).toBe("checksum_mismatch");
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id } })).toBeNull();
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(0);
    expect((await tusCall(alice, "HEAD", url)).status).toBe(404);

    const concat = await create({ "upload-length": "10", "upload-concat": "partial" });
    expect(concat.status).toBe(501);
    expect(concat.json?.error.code).toBe("invalid_request");

    const missingVersion = await fetch(`${server.url}/api/v1/tus`, { method: "POST", headers: { authorization: `Bearer ${alice.jwt}`, "upload-length": "5" } });
    expect(missingVersion.status).toBe(412);
    expect(ZErrorBody.parse(await missingVersion.json()).error.code).toBe("invalid_request");

    const doomed = await create({ "upload-length": "10", "upload-metadata": meta({ filename: "b.bin" }) });
    const doomedUrl = doomed.headers.get("location") ?? "";
    expect((await tusCall(alice, "DELETE", doomedUrl)).status).toBe(204);
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: idOf(doomedUrl) } })).toBeNull();
    expect((await tusCall(alice, "HEAD", doomedUrl)).status).toBe(404);

    const options = await fetch(`${server.url}/api/v1/tus`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("tus-version")).toContain("1.0.0");
    expect(options.headers.get("tus-max-size")).toBe(String(MAX));
    expect(options.headers.get("access-control-allow-headers")).toMatch(/Authorization.*X-Device-Id/i);
  });

  it("the upload-expiry job deletes unfinished tus uploads past their expiry (bytes and row), never finished ones", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const data = randomBytes(4 * 1024);
    const unfinished = idOf(await uploadThenAbort(data, tusOptions(alice, { chunkSize: 1024 }), 1024));
    const finished = await uploadToEnd(data, tusOptions(alice, { chunkSize: 1024 }));
    const fresh = idOf(await uploadThenAbort(data, tusOptions(alice, { chunkSize: 1024 }), 1024));
    const file = (id: string) => path.join(process.env.DATA_DIR ?? "", "blobs", "tus", id);
    const past = new Date(Date.now() - 1000);
    await server.db.prisma.tusUpload.updateMany({ where: { id: { in: [unfinished, idOf(finished.url)] } }, data: { expiresAt: past } });

    const job = defaultJobs(env())["upload-expiry"];
    const result = await job.run({ db: server.db.prisma, now: new Date(), trigger: "manual", actor: { type: "system", id: "test" }, input: {}, runId: "test" });
    expect(result).toMatchObject({ expiredTusUploads: 1 });
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: unfinished } })).toBeNull();
    expect(() => readFileSync(file(unfinished))).toThrow(/ENOENT/);
    // The finished one is a blob: kept, bytes and all. The fresh one is not due yet.
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: idOf(finished.url) } })).toMatchObject({ blobKey: finished.blobKey });
    expect(sha256(readFileSync(file(idOf(finished.url))))).toBe(sha256(data));
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: fresh } })).not.toBeNull();
    expect((await tusCall(alice, "HEAD", `/api/v1/tus/${unfinished}`)).status).toBe(404);
  });

  it("serialises two PATCHes of one upload through the lock: one writes, the other is refused 409, bytes never interleave", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const half = 32 * 1024;
    const created = await tusCall(alice, "POST", "/api/v1/tus", { "upload-length": String(4 * half) });
    const url = created.headers.get("location") ?? "";
    const a = randomBytes(2 * half);
    const b = randomBytes(2 * half);
    const headers = { authorization: `Bearer ${alice.jwt}`, "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream" };
    let sentFirstHalf!: () => void;
    const firstHalfSent = new Promise<void>((resolve) => (sentFirstHalf = resolve));
    let finishA!: () => void;
    const releaseA = new Promise<void>((resolve) => (finishA = resolve));
    // A sends half its bytes, then waits until B has been sent before sending the rest.
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new Uint8Array(a.subarray(0, half)));
        sentFirstHalf();
        await releaseA;
        controller.enqueue(new Uint8Array(a.subarray(half)));
        controller.close();
      },
    });
    const first = fetch(url, { method: "PATCH", headers, body: slow, duplex: "half" } as RequestInit);
    await firstHalfSent;
    // Wait until A holds the lock (its bytes are arriving), then send B at the same offset.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // B must wait for A's lock: A finishes (after a second, or as soon as B is answered, which
    // without the lock would be at once with a 409), and only then is B answered.
    const order: string[] = [];
    const second = fetch(url, { method: "PATCH", headers, body: new Uint8Array(b) }).then((answer) => {
      order.push("B");
      finishA();
      return answer;
    });
    setTimeout(finishA, 1000);
    const [answerA, answerB] = await Promise.all([first.then((answer) => (order.push("A"), answer)), second]);
    expect(order).toEqual(["A", "B"]);
    expect(answerB.status).toBe(409);
    expect(ZErrorBody.parse(await answerB.json()).error.code).toBe("conflict");
    expect([204, 400]).toContain(answerA.status); // 400: cut short by B's release request (what arrived is kept)
    const offset = Number((await tusCall(alice, "HEAD", url)).headers.get("upload-offset"));
    expect(offset).toBeGreaterThan(0);
    const stored = readFileSync(path.join(process.env.DATA_DIR ?? "", "blobs", "tus", idOf(url))).subarray(0, offset);
    expect(Buffer.compare(stored, a.subarray(0, offset))).toBe(0);
  });

  it("refuses an attach target at creation, and a HEAD finishes an upload whose completing PATCH could not", async () => {
    const userId = `alice-${randomBytes(4).toString("hex")}`;
    const stream = `org:tus-${randomBytes(4).toString("hex")}`;
    const alice = await makeDevice(server.url, userId, { streams: [stream] });
    // The same user with a token that lacks the shared stream (say, before a token refresh).
    const narrow = await makeDevice(server.url, userId, { deviceId: alice.deviceId });
    const pushed = await alice.call("POST", "/api/v1/sync/push", {
      device_id: alice.deviceId, bundle_id: 1,
      items: [{ type: "photo", id: "p-9", action: "create", stream, data: { caption: "shared", image: null } }],
    });
    expect(bodyOf(pushed, ZPushResponse).results[0]?.status).toBe("ok");
    const meta = (entries: Record<string, string>) =>
      Object.entries(entries).map(([k, v]) => `${k} ${Buffer.from(v).toString("base64")}`).join(",");

    const notMedia = await tusCall(alice, "POST", "/api/v1/tus", { "upload-length": "10", "upload-metadata": meta({ attach_type: "photo", attach_id: "p-9", attach_field: "caption" }) });
    expect(notMedia.status).toBe(400);
    const noRecord = await tusCall(alice, "POST", "/api/v1/tus", { "upload-length": "10", "upload-metadata": meta({ attach_type: "photo", attach_id: "nope", attach_field: "image" }) });
    expect(noRecord.status).toBe(404);
    expect(noRecord.json?.error.code).toBe("not_found");
    expect(await server.db.prisma.tusUpload.count({ where: { userId } })).toBe(0);

    const data = randomBytes(3000);
    const created = await tusCall(alice, "POST", "/api/v1/tus", { "upload-length": String(data.length), "upload-metadata": meta({ filename: "s.jpg", attach_type: "photo", attach_id: "p-9", attach_field: "image" }) });
    expect(created.status).toBe(201);
    const url = created.headers.get("location") ?? "";
    const patch = (device: TestDevice, offset: number, body: Buffer) =>
      tusCall(device, "PATCH", url, { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" }, body);
    expect((await patch(alice, 0, data.subarray(0, 1000))).status).toBe(204);
    const last = await patch(narrow, 1000, data.subarray(1000));
    expect(last.status).toBe(404); // finishing needs the record, which this token cannot see
    expect(await server.db.prisma.blob.count({ where: { ownerId: userId } })).toBe(0);

    const head = await tusCall(alice, "HEAD", url);
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe(String(data.length));
    const blobKey = head.headers.get("upload-blob-key");
    expect(blobKey).toMatch(/^b_/);
    const photo = await server.db.prisma.record.findFirstOrThrow({ where: { type: "photo", id: "p-9", stream } });
    expect(photo.data).toMatchObject({ image: blobKey });
    expect((await tusCall(alice, "HEAD", url)).headers.get("upload-blob-key")).toBe(blobKey);
    expect(await server.db.prisma.blob.count({ where: { ownerId: userId } })).toBe(1);
  });

  it("answers tus's 460 when a HEAD's completion finds bytes that do not match the sha256, and keeps nothing", async () => {
    const userId = `alice-${randomBytes(4).toString("hex")}`;
    const stream = `org:tus-${randomBytes(4).toString("hex")}`;
    const alice = await makeDevice(server.url, userId, { streams: [stream] });
    const narrow = await makeDevice(server.url, userId, { deviceId: alice.deviceId });
    const pushed = await alice.call("POST", "/api/v1/sync/push", {
      device_id: alice.deviceId, bundle_id: 1,
      items: [{ type: "photo", id: "p-460", action: "create", stream, data: { caption: "shared", image: null } }],
    });
    expect(bodyOf(pushed, ZPushResponse).results[0]?.status).toBe("ok");
    const data = randomBytes(1500);
    const meta = Object.entries({ filename: "s.jpg", sha256: sha256(data), attach_type: "photo", attach_id: "p-460", attach_field: "image" })
      .map(([k, v]) => `${k} ${Buffer.from(v).toString("base64")}`).join(",");
    const created = await tusCall(alice, "POST", "/api/v1/tus", { "upload-length": String(data.length), "upload-metadata": meta });
    expect(created.status).toBe(201);
    const url = created.headers.get("location") ?? "";
    // The last PATCH stores every byte but cannot finish (this token does not see the record).
    const last = await tusCall(narrow, "PATCH", url, { "upload-offset": "0", "content-type": "application/offset+octet-stream" }, data);
    expect(last.status).toBe(404);
    // Then the expected sha256 no longer matches the stored bytes.
    await server.db.prisma.$executeRawUnsafe(`UPDATE tus_uploads SET metadata = jsonb_set(metadata::jsonb, '{sha256}', to_jsonb($1::text)) WHERE id = $2`, "0".repeat(64), idOf(url));

    const head = await tusCall(alice, "HEAD", url);
    expect(head.status).toBe(460);
    expect(head.text).toBe(""); // a HEAD answer has no body
    expect(await server.db.prisma.tusUpload.count({ where: { userId } })).toBe(0);
    expect(await server.db.prisma.blob.count({ where: { ownerId: userId } })).toBe(0);
    const photo = await server.db.prisma.record.findFirstOrThrow({ where: { type: "photo", id: "p-460", stream } });
    expect(photo.data).toMatchObject({ image: null });
    expect((await tusCall(alice, "HEAD", url)).status).toBe(404);
  });

  it("completes an upload whose length was deferred until its last PATCH", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const data = randomBytes(2500);
    const created = await tusCall(alice, "POST", "/api/v1/tus", { "upload-defer-length": "1" });
    expect(created.status).toBe(201);
    const url = created.headers.get("location") ?? "";
    const octets = { "content-type": "application/offset+octet-stream" };
    expect((await tusCall(alice, "HEAD", url)).headers.get("upload-defer-length")).toBe("1");
    expect((await tusCall(alice, "PATCH", url, { ...octets, "upload-offset": "0" }, data.subarray(0, 1000))).status).toBe(204);
    const last = await tusCall(alice, "PATCH", url, { ...octets, "upload-offset": "1000", "upload-length": String(data.length) }, data.subarray(1000));
    expect(last.status).toBe(204);
    const blobKey = last.headers.get("upload-blob-key") ?? "";
    expect(await server.db.prisma.blob.findUnique({ where: { key: blobKey } })).toMatchObject({ size: BigInt(data.length), sha256: sha256(data) });
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: idOf(url) } })).toMatchObject({ size: BigInt(data.length), blobKey });
  });
});
