// The offline outbox, pure functions only (no storage, no network):
//   - queueEdit: a new local edit, coalesced with the pending edit of the same record, so at most
//     one pending and one in-flight edit exist per record;
//   - buildBundle: the next push body from the pending edits, in the order they were made (edits
//     offered back after a restore, heal.ts, travel in bundles of their own marked `recovered`).
// An edit made while another edit of the same record is in flight waits on it (base_version
// null): its base is that edit's new version once the server answers (see settle.ts).
import { sameKey, type Data, type EditAction, type LocalRecord, type OutboxEntry, type RecordKey } from "./types";
import { LIMITS, type TPushItem } from "./wire";

export type Edit = {
  key: RecordKey;
  action: EditAction;
  data: Data | null;
  temp_id: string | null;
  client_version: number | null;
  updated_at: string;
};

export type OutboxChange = { put: OutboxEntry[]; remove: number[] };

/** Folds `edit` into the pending edit `p` of the same record; null when both cancel out. */
function coalesce(p: OutboxEntry, edit: Edit): OutboxEntry | null {
  const latest = { updated_at: edit.updated_at, client_version: edit.client_version ?? p.client_version };
  if (edit.action === "update" && p.action !== "delete") return { ...p, ...latest, data: edit.data };
  if (edit.action === "delete" && p.action === "create") return null; // never reached the server
  if (edit.action === "delete" && p.action === "update") return { ...p, ...latest, action: "delete", data: null };
  // A record deleted and created again before either reached the server: an update of it.
  if (edit.action === "create" && p.action === "delete") return { ...p, ...latest, action: "update", data: edit.data };
  throw new Error(`cannot ${edit.action} ${p.key.type} ${p.key.id} after a local ${p.action}`);
}

/**
 * Queues `edit` given the outbox (seq order) and the record's server state as last known.
 * `seq` is the next free outbox seq (used only when a new entry is added).
 */
export function queueEdit(outbox: readonly OutboxEntry[], base: LocalRecord | null, edit: Edit, seq: number): OutboxChange {
  const mine = outbox.filter((e) => sameKey(e.key, edit.key));
  const pending = mine.find((e) => e.bundle_id === null);
  if (pending) {
    const merged = coalesce(pending, edit);
    return merged ? { put: [merged], remove: [] } : { put: [], remove: [pending.seq] };
  }
  const inFlight = mine.some((e) => e.bundle_id !== null);
  let base_version: number | null = null;
  if (!inFlight) {
    if (edit.action !== "create" && (!base || base.deleted)) {
      throw new Error(`cannot ${edit.action} ${edit.key.type} ${edit.key.id}: no such record`);
    }
    base_version = base?.version ?? 0; // a create over a known tombstone names its version
  }
  return { put: [{ seq, ...edit, base_version, bundle_id: null }], remove: [] };
}

/**
 * Puts in-flight edits back in the queue (their bundle was refused whole, so none was applied).
 * An edit that waited on one of them is folded into it, keeping one pending edit per record.
 */
export function requeue(outbox: readonly OutboxEntry[], seqs: readonly number[]): OutboxChange {
  const back = new Map<number, OutboxEntry>(outbox.filter((e) => seqs.includes(e.seq)).map((e) => [e.seq, { ...e, bundle_id: null }]));
  const remove: number[] = [];
  for (const entry of back.values()) {
    const follower = outbox.find((e) => e.bundle_id === null && e.base_version === null && sameKey(e.key, entry.key));
    if (!follower) continue;
    remove.push(follower.seq);
    const merged = coalesce(entry, follower);
    if (merged) back.set(entry.seq, merged);
    else {
      back.delete(entry.seq);
      remove.push(entry.seq);
    }
  }
  return { put: [...back.values()], remove };
}

/** The push item for an outbox entry (a create under a temp id lets the server choose the id). */
export function toPushItem(entry: OutboxEntry): TPushItem {
  const { key, action } = entry;
  const item: TPushItem = { type: key.type, stream: key.stream, action, updated_at: entry.updated_at };
  if (entry.temp_id) item.client_temp_id = entry.temp_id;
  else item.id = key.id;
  if (entry.data) item.data = entry.data;
  if (entry.base_version !== null && (action !== "create" || entry.base_version > 0)) item.base_version = entry.base_version;
  if (entry.client_version !== null) item.client_version = entry.client_version;
  return item;
}

export type BundleOptions = { deviceId: string; bundleId: number; maxItems?: number; maxBytes?: number };
export type Bundle = { body: string; seqs: number[] };

const utf8Length = (text: string): number => {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
};

/** The next bundle: pending edits in seq order, within the item and byte limits; null if none. */
export function buildBundle(outbox: readonly OutboxEntry[], options: BundleOptions): Bundle | null {
  const maxItems = Math.min(options.maxItems ?? LIMITS.maxPushItems, LIMITS.maxPushItems);
  const maxBytes = options.maxBytes ?? Math.floor(LIMITS.maxBodyBytes * 0.9);
  const items: TPushItem[] = [];
  const seqs: number[] = [];
  let bytes = 200; // the envelope
  let recovered: boolean | null = null; // a bundle is all recovered edits or none (heal.ts)
  for (const entry of outbox) {
    if (entry.bundle_id !== null || entry.base_version === null) continue;
    recovered ??= entry.recovered === true;
    if (recovered !== (entry.recovered === true)) continue;
    const item = toPushItem(entry);
    const size = utf8Length(JSON.stringify(item)) + 1;
    if (items.length >= maxItems || (items.length > 0 && bytes + size > maxBytes)) break;
    items.push(item);
    seqs.push(entry.seq);
    bytes += size;
  }
  if (items.length === 0) return null;
  const body = { device_id: options.deviceId, bundle_id: options.bundleId, mode: "partial", items, ...(recovered ? { recovered } : {}) };
  return { body: JSON.stringify(body), seqs };
}
