// (7) Uploads: a large resumable upload (docs/protocol.md "Uploads") against writing the same
// bytes to a local file on the same disk, and the server's peak RSS while it receives them.
// Measured only when the upload routes exist in this tree.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { makeDevice, type Device } from "../lib/client";
import { makeUploadAgent, putBytes } from "../lib/put-bytes";
import { cpuSeconds, fullGcs, peakRssMiB, resetPeakRss, rssMiB } from "../lib/server";
import { now, summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

export function uploadsImplemented(root: string): boolean {
  return existsSync(path.join(root, "app", "api", "v1", "uploads", "route.ts"));
}

/** Upload and reference alternate; the ratio is taken per round. One round is too noisy here. */
const ROUNDS = 3;

class Refused extends Error {}

/** Where the server keeps blobs (its DATA_DIR, as server/env.ts resolves it from the same cwd). */
function dataDirOf(root: string): string {
  return path.resolve(root, process.env.DATA_DIR ?? ".data");
}

/** The same bytes in the same blocks, written to a new file in `dir` (beside the blobs), fsynced. */
async function diskRound(dir: string, round: number, block: Buffer, bytes: number): Promise<number> {
  const t = now();
  const fd = openSync(path.join(dir, `reference-${round}`), "w");
  for (let sent = 0; sent < bytes; sent += block.length) writeSync(fd, block, 0, Math.min(block.length, bytes - sent));
  fsyncSync(fd);
  closeSync(fd);
  const rate = bytes / 2 ** 20 / ((now() - t) / 1000);
  // The synchronous writes blocked the event loop for seconds (a full run), long enough for the
  // server to close the idle keep-alive connection unseen: let fetch notice before the next request.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return rate;
}

/** One resumable upload from create to complete; MiB/s from the first chunk to the completion. */
async function uploadRound(ctx: Ctx, device: Device, block: Buffer<ArrayBuffer>, bytes: number, sha256: string): Promise<{ rate: number; blobKey: string; serverMs: number; clientMs: number; chunks: number }> {
  const headers = { authorization: `Bearer ${device.jwt}`, "x-device-id": device.deviceId };
  const created = await fetch(`${ctx.server.url}/api/v1/uploads`, {
    method: "POST", headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ filename: "bench.bin", size: bytes, content_type: "application/octet-stream", sha256: `sha256:${sha256}` }),
  });
  if (created.status !== 201) throw new Refused(`upload create answered ${created.status}: ${(await created.text()).slice(0, 200)}`);
  const info = (await created.json()) as { upload_url: string; chunk_size: number; upload_id: string };
  const size = Math.min(info.chunk_size || block.length, block.length);
  const url = new URL(info.upload_url, ctx.server.url).toString();
  const started = now();
  const server0 = cpuSeconds(ctx.server.pid);
  const client0 = process.cpuUsage();
  let chunks = 0;
  const agent = makeUploadAgent();
  try {
    for (let offset = 0; offset < bytes; offset += size) {
      const end = Math.min(bytes, offset + size);
      const chunkHeaders = { ...headers, "content-type": "application/octet-stream", "content-range": `bytes ${offset}-${end - 1}/${bytes}` };
      const res = await putBytes(agent, url, chunkHeaders, block.subarray(0, end - offset));
      if (res.status < 200 || res.status > 299) throw new Refused(`chunk at ${offset} answered ${res.status}: ${res.text.slice(0, 200)}`);
      chunks++;
    }
  } finally {
    agent.destroy();
  }
  const done = await fetch(`${ctx.server.url}/api/v1/uploads/${info.upload_id}/complete`, {
    method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ sha256: `sha256:${sha256}` }),
  });
  const rate = bytes / 2 ** 20 / ((now() - started) / 1000);
  const serverMs = (cpuSeconds(ctx.server.pid) - server0) * 1000;
  const used = process.cpuUsage(client0);
  const clientMs = (used.user + used.system) / 1000;
  if (!done.ok) throw new Refused(`complete answered ${done.status}: ${(await done.text()).slice(0, 200)}`);
  const answer = (await done.json()) as { blob: { key: string } };
  return { rate, blobKey: answer.blob.key, serverMs, clientMs, chunks };
}

/** Removes the uploaded blobs' bytes (file store), which would otherwise pile up run after run. */
async function dropBlobBytes(ctx: Ctx, dataDir: string, blobKeys: string[]): Promise<void> {
  if ((process.env.STORAGE_DRIVER ?? "file") !== "file") return;
  const { rows } = await ctx.admin.query<{ storage_key: string }>("SELECT storage_key FROM blobs WHERE key = ANY($1)", [blobKeys]);
  for (const row of rows) rmSync(path.join(dataDir, "blobs", row.storage_key), { force: true });
}

export async function measureUploads(ctx: Ctx): Promise<Row[]> {
  const { bytes, chunk } = ctx.cfg.uploads;
  const label = `${(bytes / 2 ** 30).toFixed(bytes >= 2 ** 30 ? 0 : 2)} GiB`;
  const name = `Uploads: ${label} resumable upload vs writing to disk`;
  const skipped = (why: string): Row[] => [{ id: "uploads", name, unit: "MiB/s", value: null, ratio: null, target: { op: ">=", value: 0.6 }, skipped: why }];
  if (!uploadsImplemented(ctx.root)) return skipped("not measured: uploads not implemented yet");
  const block = randomBytes(Math.min(chunk, 8 * 2 ** 20));
  const hash = createHash("sha256");
  for (let sent = 0; sent < bytes; sent += block.length) hash.update(block.subarray(0, Math.min(block.length, bytes - sent)));
  const sha256 = hash.digest("hex");
  const warmSha256 = createHash("sha256").update(block).digest("hex");
  const dataDir = dataDirOf(ctx.root);
  mkdirSync(dataDir, { recursive: true });
  const device = await makeDevice("upload-0");

  // The measures before this one leave PostgreSQL with dirty buffers and the kernel with dirty
  // pages; written back during the upload they would land on its time (and on the reference's).
  // A checkpoint and a sync write them out first.
  await ctx.admin.query("CHECKPOINT");
  execFileSync("sync");
  // Every file written here ((2 x ROUNDS + 1) x bytes: 7 GiB in a full run) is kept until the end.
  // Deleted at once, its page cache would be freed for the next side to reuse, and on a VM reusing
  // memory freed a moment ago is several times faster than memory freed seconds ago (measured here:
  // 256 MiB written at 1.9 GB/s right after a deletion, 0.4 GB/s two seconds later), so whichever
  // side ran right after a deletion would win. Kept, both sides write to new memory alike.
  const references = mkdtempSync(path.join(dataDir, "bench-upload-reference-"));
  const blobKeys: string[] = [];
  // Per 8 MiB chunk, as the other rows report theirs: on 2 shared cores the client's CPU is the server's loss.
  const cpu = { server: [] as number[], client: [] as number[] };
  const sent = async (size: number, digest: string): Promise<number> => {
    const round = await uploadRound(ctx, device, block, size, digest);
    blobKeys.push(round.blobKey);
    cpu.server.push(round.serverMs / round.chunks);
    cpu.client.push(round.clientMs / round.chunks);
    return round.rate;
  };
  const upload: number[] = [];
  const disk: number[] = [];
  let before = NaN;
  let reset = false;
  // Full GCs during the rounds: a server whose V8 marks its whole heap again and again shows here
  // (bench/profiles/2026-12-09-uploads.md: hundreds, where a calm run has a handful).
  let gcs = NaN;
  try {
    await sent(block.length, warmSha256); // warm-up: the routes' modules load, connections open
    cpu.server.length = cpu.client.length = 0;
    // The reference's warm-up, as the upload has one. Its speed still swings (one round in three
    // or so ran at 1.0-1.6 GB/s instead of 0.25-0.45, from the memory the rest of the machine frees
    // and reuses): the ratio is taken per round and the median reported.
    await diskRound(references, -1, block, bytes);
    before = rssMiB(ctx.server.pid);
    reset = resetPeakRss(ctx.server.pid);
    gcs = await fullGcs(ctx.server);
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which side goes first so drift in the machine's load does not favour one.
      if (r % 2 === 0) {
        disk.push(await diskRound(references, r, block, bytes));
        upload.push(await sent(bytes, sha256));
      } else {
        upload.push(await sent(bytes, sha256));
        disk.push(await diskRound(references, r, block, bytes));
      }
      ctx.progress(`uploads round ${r + 1}/${ROUNDS}: upload ${upload.at(-1)?.toFixed(0)} MiB/s, disk ${disk.at(-1)?.toFixed(0)} MiB/s; CPU per chunk: server ${cpu.server.at(-1)?.toFixed(1)} ms, client ${cpu.client.at(-1)?.toFixed(1)} ms`);
    }
    gcs = (await fullGcs(ctx.server)) - gcs;
  } catch (error) {
    if (error instanceof Refused) return skipped(error.message);
    throw error;
  } finally {
    rmSync(references, { recursive: true, force: true });
    await dropBlobBytes(ctx, dataDir, blobKeys);
  }
  const peak = peakRssMiB(ctx.server.pid);
  return [
    {
      id: "uploads", name, unit: "MiB/s", value: summarize(upload), reference: summarize(disk),
      referenceLabel: "write + fsync to a file on the same disk", ratio: summarize(upload.map((u, i) => u / (disk[i] ?? NaN))),
      ratioLabel: "upload / disk", target: { op: ">=", value: 0.6 },
      notes: `${ROUNDS} rounds, upload and reference alternating; ${chunk / 2 ** 20} MiB chunks, one at a time, each synced to disk before it is acknowledged; the complete step verifies the sha256; CPU per chunk: server ${summarize(cpu.server).median.toFixed(1)} ms, HTTP client ${summarize(cpu.client).median.toFixed(1)} ms; the server's full GCs during the rounds: ${gcs}`,
      extra: { server_cpu_ms_per_chunk: summarize(cpu.server).median, client_cpu_ms_per_chunk: summarize(cpu.client).median, server_full_gcs: gcs },
    },
    {
      id: "uploads-rss", name: `Uploads: server peak RSS during the ${label} uploads`, unit: "MiB", value: summarize([peak]), ratio: null,
      target: { op: "<", value: 300, on: "value" },
      notes: `${reset ? "VmHWM of next-server, reset before the first round" : "VmHWM since server start"}; RSS before: ${before.toFixed(0)} MiB, idle after start: ${ctx.server.idleRssMiB.toFixed(0)} MiB`,
    },
  ];
}
