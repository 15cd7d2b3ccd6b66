// Applying a push response to local state, as one storage write (pure: no storage, no network).
// For each result, in the order of the bundle:
//   1. a create under a temp id gets its server id: the pending edit waiting on it is renamed;
//   2. ok: the record's server state becomes the pushed data at the new version (unless the
//      server merged it: then the pull brings the merged data), and the waiting edit is based on it;
//   3. conflict: the server's state it reported is taken, the edit is kept as a LocalConflict for
//      the app, and the waiting edit stays based on the old version (so it conflicts too);
//   4. error: kept as a rejected edit; a waiting edit of a create that never got an id goes with it.
import type { StorageWrite } from "./storage/types";
import {
  keyString, sameKey,
  type Data, type EditAction, type Inflight, type LocalConflict, type LocalRecord, type OutboxEntry, type PushAnswer, type RecordKey,
} from "./types";
import { isStale } from "./view";
import type { TItemConflict } from "./wire";

export type SettleEvent =
  | { kind: "mapped"; temp_id: string; key: RecordKey }
  | { kind: "applied"; key: RecordKey; version: number; action: EditAction; data: Data | null; conflict?: TItemConflict }
  | { kind: "conflict"; conflict: LocalConflict };

export type SettleInput = {
  outbox: readonly OutboxEntry[];
  inflight: Inflight;
  response: PushAnswer;
  /** The local server state of the records the bundle touched, by keyString (after mapping). */
  records: ReadonlyMap<string, LocalRecord>;
  now: string;
  newId: () => string;
};

export type Settlement = { write: StorageWrite; events: SettleEvent[]; tempIds: Record<string, string> };

export function settleBundle(input: SettleInput): Settlement {
  const sent = new Map(input.outbox.map((e) => [e.seq, e]));
  const waiting = input.outbox.filter((e) => e.bundle_id === null).map((e) => ({ ...e }));
  const records = new Map(input.records);
  const changed = new Map<string, LocalRecord>();
  const remove = new Set(input.inflight.seqs);
  const requeued: OutboxEntry[] = [];
  const conflicts: LocalConflict[] = [];
  const events: SettleEvent[] = [];
  const tempIds: Record<string, string> = {};

  /** Takes a server state unless a live one as new is already known (see isStale). */
  const learn = (record: LocalRecord) => {
    const known = records.get(keyString(record));
    if (isStale(known, record.version) || (known && !known.deleted && known.version === record.version)) return;
    records.set(keyString(record), record);
    changed.set(keyString(record), record);
  };
  const conflictOf = (entry: OutboxEntry, key: RecordKey, result: PushAnswer["results"][number], kind: LocalConflict["kind"], id: string): LocalConflict => ({
    id, kind, key, action: entry.action, local_data: entry.data,
    detail: result.conflict ?? null, error: result.error ?? null, created_at: input.now,
  });

  for (const [index, seq] of input.inflight.seqs.entries()) {
    const entry = sent.get(seq);
    const result = input.response.results[index];
    if (!entry || !result) continue;
    if (result.status === "skipped") {
      remove.delete(seq);
      requeued.push({ ...entry, bundle_id: null });
      continue;
    }
    const key = { ...entry.key, id: result.id ?? entry.key.id };
    if (entry.temp_id && result.id) {
      tempIds[entry.temp_id] = result.id;
      for (const w of waiting) if (sameKey(w.key, entry.key)) w.key = key;
      events.push({ kind: "mapped", temp_id: entry.temp_id, key });
    }
    const next = waiting.find((w) => sameKey(w.key, key) && w.base_version === null);
    if (result.status === "ok" && result.version !== undefined) {
      if (result.conflict?.resolution !== "merged") {
        const data = entry.data ?? records.get(keyString(key))?.data ?? {};
        learn({ ...key, version: result.version, data, deleted: entry.action === "delete", updated_at: entry.updated_at });
      }
      if (next) next.base_version = result.version;
      const applied = { kind: "applied" as const, key, version: result.version, action: entry.action, data: entry.data };
      events.push(result.conflict ? { ...applied, conflict: result.conflict } : applied);
      continue;
    }
    if (result.conflict) {
      const c = result.conflict;
      learn({ ...key, version: c.server_version, data: c.server_data ?? {}, deleted: c.deleted || c.server_data === null, updated_at: input.now });
    }
    const kind = result.status === "error" ? "rejected" : result.conflict?.conflict_id ? "stored" : "server_wins";
    const conflict = conflictOf(entry, key, result, kind, result.conflict?.conflict_id ?? input.newId());
    conflicts.push(conflict);
    events.push({ kind: "conflict", conflict });
    if (!next) continue;
    if (entry.temp_id && !result.id) {
      // The create never got an id: an edit of it can never reach the server.
      remove.add(next.seq);
      const orphan = conflictOf(next, key, { ...result, conflict: undefined }, "rejected", input.newId());
      orphan.error = { code: "create_failed", message: `the create of ${key.type} ${key.id} was not applied` };
      conflicts.push(orphan);
      events.push({ kind: "conflict", conflict: orphan });
    } else {
      next.base_version = entry.base_version ?? 0;
    }
  }

  const original = new Map(input.outbox.map((e) => [e.seq, JSON.stringify(e)]));
  const updated = waiting.filter((w) => !remove.has(w.seq) && original.get(w.seq) !== JSON.stringify(w));
  return {
    write: {
      records: [...changed.values()],
      outboxRemove: [...remove],
      outboxPut: [...updated, ...requeued],
      conflictsPut: conflicts,
    },
    events,
    tempIds,
  };
}
