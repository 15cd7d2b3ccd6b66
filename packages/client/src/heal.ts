// Healing after a restore or a failover (docs/sdk.md "After a restore", docs/operations.md):
//   1. On `history_diverged`, before the token is dropped, the device keeps what it holds (every
//      record and tombstone, with its version and checksum) in the same write (`recoverySet`).
//   2. After the new bootstrap, each kept record is compared with the server's (`planHeal`):
//      - the server lacks it, or holds an older version: the server lost writes this device saw
//        acknowledged. Offered back, based on the server's version (so it applies as is);
//      - same version, other content (or one side deleted), or an older server version written
//        after the device's copy: both sides wrote since the restore. Offered back based on the
//        version before the server's, so the type's policy decides;
//      - the same content at any version: already back, nothing to do;
//      - the server holds a newer version: it moved on since the restore. Superseded: reported,
//        not pushed;
//      - a record with an edit in the outbox is skipped: that edit is the device's word on it.
//   3. The offers go to the outbox as `recovered` edits, in one write with the set's removal, and
//      are pushed in bundles marked `recovered: true` (audited on the server as record.recovered).
import { checksumOf } from "./checksum";
import type { SyncContext } from "./context";
import { readMeta } from "./context";
import { keyString, type LocalRecord, type OutboxEntry, type RecordKey, type RecoveryEntry } from "./types";

/** 1. */
export const recoverySet = (records: readonly LocalRecord[]): RecoveryEntry[] =>
  records.map((r) => ({ ...r, checksum: checksumOf(r.data) }));

export type HealPlan = { edits: Omit<OutboxEntry, "seq">[]; superseded: RecordKey[] };

const keyOf = (r: RecordKey): RecordKey => ({ stream: r.stream, type: r.type, id: r.id });

/** 2. `server` is the record as the new bootstrap left it; `pending` the keys with outbox edits. */
export function planHeal(kept: readonly RecoveryEntry[], server: ReadonlyMap<string, LocalRecord>, pending: ReadonlySet<string>): HealPlan {
  const plan: HealPlan = { edits: [], superseded: [] };
  for (const mine of kept) {
    const k = keyString(mine);
    if (pending.has(k)) continue;
    const theirs = server.get(k);
    const gone = !theirs || theirs.deleted;
    if (mine.deleted && gone) continue; // deleted on both sides (or never seen again)
    if (!mine.deleted && theirs && !theirs.deleted && checksumOf(theirs.data) === mine.checksum) continue; // already back
    if (theirs && theirs.version > mine.version) {
      plan.superseded.push(keyOf(mine));
      continue;
    }
    // Versions restart from the restore point, so an older server version written after the
    // device's copy was made on the restored state: both sides wrote, like an equal version.
    const both = theirs !== undefined && (theirs.version === mine.version || Date.parse(theirs.updated_at) > Date.parse(mine.updated_at));
    // Lost (older or missing on the server): based on its version. Both wrote: on the one before.
    const base = !theirs ? 0 : both ? Math.max(theirs.version - 1, 0) : theirs.version;
    const action = mine.deleted ? "delete" : gone ? "create" : "update";
    plan.edits.push({
      key: keyOf(mine), action, data: mine.deleted ? null : mine.data, base_version: base, temp_id: null,
      client_version: null, updated_at: mine.updated_at, bundle_id: null, recovered: true,
    });
  }
  return plan;
}

/** 2 and 3, after the bootstrap that followed `history_diverged`; a no-op without a kept set. */
export async function healFromRecovery(ctx: SyncContext): Promise<HealPlan | null> {
  const plan = await ctx.exclusive(async () => {
    const meta = await readMeta(ctx.storage);
    if (!meta.recovery) return null;
    const server = new Map<string, LocalRecord>();
    for (const kept of meta.recovery) {
      const record = await ctx.storage.getRecord(kept);
      if (record) server.set(keyString(record), record);
    }
    const pending = new Set((await ctx.storage.listOutbox()).map((e) => keyString(e.key)));
    const planned = planHeal(meta.recovery, server, pending);
    const outboxPut = planned.edits.map((e, i) => ({ ...e, seq: meta.next_seq + i }));
    await ctx.storage.write({ outboxPut, meta: { recovery: null, next_seq: meta.next_seq + outboxPut.length } });
    return planned;
  });
  if (plan) ctx.emitter.emit("recovery", { queued: plan.edits.map((e) => e.key), superseded: plan.superseded });
  return plan;
}
