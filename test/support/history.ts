// Fixtures for compaction tests: age the change log, place a device's checkpoint in time, expire
// bootstrap holds (as if their cursors had run out), read a stream's compaction state, and follow
// what a device is delivered so a hole or a repeat in its changes fails the test.
import type { Db } from "@/server/db/client";
import { ensureDevice } from "@/server/devices/register";
import { env } from "@/server/env";
import { compactStreams } from "@/server/compaction/compact";
import type { CompactionPolicy } from "@/server/compaction/policy";
import type { TChange } from "@syncdesk/protocol";
import { openPullToken } from "@/server/sync/tokens";
import type { TestDevice } from "./device";

export const DAY_MS = 86_400_000;

/** The default policy (30 days, 1M changes, hold = retention) with small delete batches. */
export function testPolicy(overrides: Partial<CompactionPolicy> = {}): CompactionPolicy {
  return { retentionMs: 30 * DAY_MS, maxChangesPerStream: 1_000_000, holdMs: 30 * DAY_MS, batchSize: 3, ...overrides };
}

export function compact(db: Db, policy: CompactionPolicy = testPolicy(), options: { stream?: string } = {}) {
  return compactStreams(db, policy, new Date(), options);
}

/** Makes the changes of `stream` up to `uptoSeq` (default all) look `days` old. */
export async function ageChanges(db: Db, stream: string, days: number, uptoSeq?: number): Promise<void> {
  const at = new Date(Date.now() - days * DAY_MS);
  await db.$executeRaw`UPDATE changes SET created_at = ${at} WHERE stream = ${stream} AND (${uptoSeq ?? null}::bigint IS NULL OR seq <= ${uptoSeq ?? null}::bigint)`;
}

/** The device's row id, registering it (with its own user stream) if it never called yet. */
export async function deviceRefOf(db: Db, device: Pick<TestDevice, "userId" | "deviceId">): Promise<string> {
  const row = await db.device.findUnique({ where: { userId_deviceId: { userId: device.userId, deviceId: device.deviceId } }, select: { id: true } });
  if (row) return row.id;
  return (await ensureDevice(db, { userId: device.userId, streams: [`user:${device.userId}`] }, device.deviceId)).deviceRef;
}

/** Sets the device's checkpoint in `stream` to `seq`, acked `daysAgo` days ago. */
export async function setCheckpoint(db: Db, device: Pick<TestDevice, "userId" | "deviceId">, stream: string, seq: number, daysAgo: number) {
  const deviceRef = await deviceRefOf(db, device);
  const ackedAt = new Date(Date.now() - daysAgo * DAY_MS);
  await db.deviceCheckpoint.upsert({
    where: { deviceRef_stream: { deviceRef, stream } },
    create: { deviceRef, stream, seq: BigInt(seq), ackedAt },
    update: { seq: BigInt(seq), ackedAt },
  });
}

/** Expires every bootstrap hold (of one device, if given), as if a day had passed. */
export async function expireBootstrapHolds(db: Db, device?: Pick<TestDevice, "userId" | "deviceId">): Promise<void> {
  const ref = device ? await deviceRefOf(db, device) : null;
  await db.$executeRaw`UPDATE bootstrap_holds SET expires_at = now() - interval '1 second' WHERE ${ref}::uuid IS NULL OR device_ref = ${ref}::uuid`;
}

export async function streamState(db: Db, stream: string) {
  const row = await db.stream.findUniqueOrThrow({ where: { name: stream } });
  const seqs = await db.change.findMany({ where: { stream }, select: { seq: true }, orderBy: { seq: "asc" } });
  return { head: Number(row.headSeq), compactedUntil: Number(row.compactedUntilSeq), seqs: seqs.map((s) => Number(s.seq)) };
}

/** The per-stream positions a pull token carries. */
export function tokenPositions(token: string): Record<string, number> {
  return openPullToken(env().syncTokenSecret, token).s;
}

/** Follows one device's deliveries: each stream's changes must continue exactly where its token
 *  stood (the log's seqs are consecutive), so any lost or repeated change throws. */
export class DeliveryLog {
  private readonly next = new Map<string, number>();
  delivered = 0;

  /** A fresh position (after a bootstrap): the token's seqs are where each stream continues. */
  startAt(token: string): void {
    this.next.clear();
    for (const [stream, seq] of Object.entries(tokenPositions(token))) this.next.set(stream, seq + 1);
  }

  accept(changes: readonly TChange[]): void {
    for (const change of changes) {
      const expected = this.next.get(change.stream);
      if (expected === undefined) throw new Error(`a change of ${change.stream}, which the token does not name`);
      if (change.seq !== expected) throw new Error(`${change.stream}: seq ${change.seq} delivered where ${expected} was next`);
      this.next.set(change.stream, expected + 1);
      this.delivered += 1;
    }
  }
}
