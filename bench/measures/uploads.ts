// (7) Uploads: a large resumable upload (docs/protocol.md "Uploads") against writing the same
// bytes to a local file, and the server's peak RSS while it receives them. Measured only when the
// upload routes exist in this tree.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, writeSync, fsyncSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeDevice } from "../lib/client";
import { peakRssMiB, resetPeakRss } from "../lib/server";
import { now, summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

export function uploadsImplemented(root: string): boolean {
  return existsSync(path.join(root, "app", "api", "v1", "uploads", "route.ts"));
}

export async function measureUploads(ctx: Ctx): Promise<Row[]> {
  const { bytes, chunk } = ctx.cfg.uploads;
  const label = `${(bytes / 2 ** 30).toFixed(bytes >= 2 ** 30 ? 0 : 2)} GiB`;
  const name = `Uploads: ${label} resumable upload vs writing to disk`;
  if (!uploadsImplemented(ctx.root)) {
    return [{ id: "uploads", name, unit: "MiB/s", value: null, ratio: null, target: { op: ">=", value: 0.5 }, skipped: "not measured: uploads not implemented yet" }];
  }
  const block = randomBytes(Math.min(chunk, 8 * 2 ** 20));
  const hash = createHash("sha256");
  for (let sent = 0; sent < bytes; sent += block.length) hash.update(block.subarray(0, Math.min(block.length, bytes - sent)));
  const sha256 = hash.digest("hex");
  // Disk: the same bytes in the same chunks, fsynced at the end.
  const dir = mkdtempSync(path.join(tmpdir(), "syncdesk-bench-upload-"));
  let diskRate = NaN;
  try {
    const t = now();
    const fd = openSync(path.join(dir, "blob"), "w");
    for (let sent = 0; sent < bytes; sent += block.length) writeSync(fd, block, 0, Math.min(block.length, bytes - sent));
    fsyncSync(fd);
    closeSync(fd);
    diskRate = bytes / 2 ** 20 / ((now() - t) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const device = await makeDevice("upload-0");
  const headers = { authorization: `Bearer ${device.jwt}`, "x-device-id": device.deviceId };
  const created = await fetch(`${ctx.server.url}/api/v1/uploads`, {
    method: "POST", headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ filename: "bench.bin", size: bytes, content_type: "application/octet-stream", sha256: `sha256:${sha256}` }),
  });
  if (created.status !== 201) return [{ id: "uploads", name, unit: "MiB/s", value: null, ratio: null, target: null, skipped: `upload create answered ${created.status}: ${(await created.text()).slice(0, 200)}` }];
  const info = (await created.json()) as { upload_url: string; chunk_size: number; upload_id: string };
  const size = Math.min(info.chunk_size || chunk, block.length);
  resetPeakRss(ctx.server.pid);
  const started = now();
  for (let offset = 0; offset < bytes; offset += size) {
    const end = Math.min(bytes, offset + size);
    const url = new URL(info.upload_url, ctx.server.url).toString();
    const res = await fetch(url, { method: "PUT", headers: { ...headers, "content-type": "application/octet-stream", "content-range": `bytes ${offset}-${end - 1}/${bytes}` }, body: block.subarray(0, end - offset) });
    if (!res.ok) return [{ id: "uploads", name, unit: "MiB/s", value: null, ratio: null, target: null, skipped: `chunk at ${offset} answered ${res.status}: ${(await res.text()).slice(0, 200)}` }];
    await res.arrayBuffer();
  }
  const done = await fetch(`${ctx.server.url}/api/v1/uploads/${info.upload_id}/complete`, {
    method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ sha256: `sha256:${sha256}` }),
  });
  const rate = bytes / 2 ** 20 / ((now() - started) / 1000);
  if (!done.ok) return [{ id: "uploads", name, unit: "MiB/s", value: null, ratio: null, target: null, skipped: `complete answered ${done.status}: ${(await done.text()).slice(0, 200)}` }];
  const peak = peakRssMiB(ctx.server.pid);
  return [
    { id: "uploads", name, unit: "MiB/s", value: summarize([rate]), reference: summarize([diskRate]), referenceLabel: "write + fsync to a local file", ratio: summarize([rate / diskRate]), ratioLabel: "upload / disk", target: { op: ">=", value: 0.5 } },
    { id: "uploads-rss", name: `Uploads: server peak RSS during the ${label} upload`, unit: "MiB", value: summarize([peak]), ratio: null, target: { op: "<", value: 300, on: "value" } },
  ];
}
