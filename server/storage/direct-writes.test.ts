import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIRECT_ALIGN, STAGING_BYTES, openDirect, type DirectWriter } from "./direct-writes";

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "syncdesk-direct-"));
  file = path.join(dir, "data");
  writeFileSync(file, "");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The tmpdir must be on a Linux filesystem that takes O_DIRECT (ext4, xfs: as on this project's
// machines and CI), not tmpfs.
async function writerOf(target: string): Promise<DirectWriter> {
  const writer = await openDirect(target);
  if (!writer) throw new Error(`no direct writes on ${target}`);
  return writer;
}

describe("direct writes", () => {
  it("take whole blocks, at most a staging buffer, and only from a block boundary", async () => {
    const writer = await writerOf(file);
    expect(writer.takes(0, DIRECT_ALIGN - 1)).toBe(0);
    expect(writer.takes(0, 3 * DIRECT_ALIGN + 100)).toBe(3 * DIRECT_ALIGN);
    expect(writer.takes(8 * DIRECT_ALIGN, 3 * STAGING_BYTES)).toBe(STAGING_BYTES);
    expect(writer.takes(17, 10 * DIRECT_ALIGN)).toBe(0);
    await writer.close();
  });

  it("stage the first bytes in order, leave the rest of the pieces, and write them", async () => {
    const bytes = randomBytes(3 * DIRECT_ALIGN + 500);
    const pieces = [bytes.subarray(0, 1000), bytes.subarray(1000, 9000), bytes.subarray(9000)];
    const writer = await writerOf(file);
    const staged = writer.stage(pieces, 2 * DIRECT_ALIGN);
    expect(Buffer.compare(staged, bytes.subarray(0, 2 * DIRECT_ALIGN))).toBe(0);
    expect(Buffer.compare(Buffer.concat(pieces), bytes.subarray(2 * DIRECT_ALIGN))).toBe(0);
    expect(await writer.write(staged, 0)).toBe(true);
    await writer.close();
    expect(Buffer.compare(readFileSync(file), bytes.subarray(0, 2 * DIRECT_ALIGN))).toBe(0);
  });

  it("lend each staging buffer to one writer at a time", async () => {
    const writers: DirectWriter[] = [];
    for (let writer = await openDirect(file); writer; writer = await openDirect(file)) writers.push(writer);
    expect(writers.length).toBe(8); // 8 MiB in all
    await writers.pop()?.close();
    const again = await writerOf(file);
    await Promise.all([...writers, again].map((writer) => writer.close()));
    const after = await openDirect(file);
    expect(after).not.toBeNull();
    await after?.close();
  });

  it("are not offered where the file cannot be opened", async () => {
    expect(await openDirect(path.join(dir, "missing", "data"))).toBeNull();
    const writers: DirectWriter[] = [];
    for (let writer = await openDirect(file); writer; writer = await openDirect(file)) writers.push(writer);
    expect(writers.length).toBe(8); // the refused open gave its buffer back
    await Promise.all(writers.map((writer) => writer.close()));
  });
});
