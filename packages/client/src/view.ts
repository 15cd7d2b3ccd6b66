// What the app sees: the server's state of a record with its pending local edits on top. Keeping
// the two apart is what lets a pull (or a whole new bootstrap) replace the server state while the
// unpushed edits stay and are applied again on top.
import { keyString, type LocalRecord, type OutboxEntry, type RecordKey, type ViewRecord } from "./types";
import type { TChange, TRecord } from "./wire";

export function overlay(key: RecordKey, base: LocalRecord | null, edits: readonly OutboxEntry[]): ViewRecord | null {
  let data = base && !base.deleted ? base.data : null;
  let updatedAt = base?.updated_at ?? "";
  for (const edit of edits) {
    data = edit.action === "delete" ? null : edit.data;
    updatedAt = edit.updated_at;
  }
  if (!data) return null;
  return { ...key, data, version: base?.version ?? 0, pending: edits.length > 0, updated_at: updatedAt };
}

/** Every visible record among `records` and the outbox, for the filter. */
export function overlayAll(
  records: readonly LocalRecord[],
  outbox: readonly OutboxEntry[],
  match: (key: RecordKey) => boolean,
): ViewRecord[] {
  const edits = new Map<string, OutboxEntry[]>();
  const keys = new Map<string, RecordKey>();
  for (const r of records) if (match(r)) keys.set(keyString(r), { stream: r.stream, type: r.type, id: r.id });
  for (const e of outbox) {
    if (!match(e.key)) continue;
    const k = keyString(e.key);
    keys.set(k, e.key);
    edits.set(k, [...(edits.get(k) ?? []), e]);
  }
  const bases = new Map(records.map((r) => [keyString(r), r]));
  return [...keys].flatMap(([k, key]) => overlay(key, bases.get(k) ?? null, edits.get(k) ?? []) ?? []);
}

export const fromServerRecord = (r: TRecord): LocalRecord => ({
  stream: r.stream, type: r.type, id: r.id, version: r.version, data: r.data, deleted: r.deleted, updated_at: r.updated_at,
});

/**
 * A live record newer than `version` makes it stale (our own pushed edit can be ahead of the pull).
 * A tombstone never does: once compaction purged it, the id may start again at version 1.
 */
export function isStale(known: LocalRecord | undefined, version: number): boolean {
  return known !== undefined && !known.deleted && known.version > version;
}

/** The server states a page of pulled changes leaves, skipping any older than one already known. */
export function applyChanges(changes: readonly TChange[], known: ReadonlyMap<string, LocalRecord>): LocalRecord[] {
  const current = new Map(known);
  const out = new Map<string, LocalRecord>();
  for (const c of changes) {
    const key = { stream: c.stream, type: c.type, id: c.id };
    const k = keyString(key);
    const before = current.get(k);
    if (isStale(before, c.version)) continue;
    const deleted = c.op === "delete";
    const record = { ...key, version: c.version, data: deleted ? (before?.data ?? {}) : (c.data ?? {}), deleted, updated_at: c.updated_at };
    current.set(k, record);
    out.set(k, record);
  }
  return [...out.values()];
}
