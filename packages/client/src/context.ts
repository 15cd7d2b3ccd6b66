// What the sync steps (push, pull, conflicts) share with the client that runs them.
import type { Emitter } from "./emitter";
import type { Transport } from "./http";
import type { RetryPolicy, Sleep } from "./retry";
import type { SyncStorage } from "./storage/types";
import type { Data, EditAction, LocalConflict, Meta, RecordKey } from "./types";
import type { TChange, TItemConflict } from "./wire";

export type SyncEvents = {
  /** The server did not apply an edit (or a rejected one): look at `client.conflicts()`. */
  conflict: LocalConflict;
  /** The server applied an edit; `conflict` says when a policy decided it (client_wins, merged). */
  applied: { key: RecordKey; version: number; action: EditAction; data: Data | null; conflict?: TItemConflict };
  /** A record created offline got its server id. */
  mapped: { temp_id: string; key: RecordKey };
  /** A pull page was applied (changes may carry a `conflict` hint to show the user). */
  changes: { changes: TChange[] };
  /** Local data was replaced by a new bootstrap; `reason` is the server's, null on first launch. */
  bootstrap: { reason: string | null };
  /**
   * After `history_diverged` and the new bootstrap: the records the device held that the server
   * lost, queued to be pushed back as `recovered`, and those the server changed since (its version
   * is newer), left as the server has them (docs/sdk.md "After a restore").
   */
  recovery: { queued: RecordKey[]; superseded: RecordKey[] };
  /** The app resolved a conflict (`client.resolveConflict`); it is gone from `client.conflicts()`. */
  resolved: { id: string };
  /** A local edit was queued. */
  local: { key: RecordKey };
  /** A `sync()`, `push()` or `pull()` started, finished, or failed (its error; nothing was lost). */
  sync: { state: "started" } | { state: "finished" } | { state: "failed"; error: unknown };
};

export type SyncContext = {
  storage: SyncStorage;
  transport: Transport;
  retry: RetryPolicy;
  sleep: Sleep;
  emitter: Emitter<SyncEvents>;
  /** Runs `fn` alone among the client's read-modify-write steps on storage. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  types: string[] | undefined;
  pullLimit: number;
  bootstrapLimit: number;
  maxBundleItems: number;
};

export const DEFAULT_META: Omit<Meta, "device_id"> = {
  token: null,
  bootstrap_cursor: null,
  next_bundle_id: 1,
  next_seq: 1,
  inflight: null,
  temp_ids: {},
  uploads: {},
  recovery: null,
};

export async function readMeta(storage: SyncStorage): Promise<Meta> {
  const stored = await storage.getMeta();
  if (!stored.device_id) throw new Error("SyncClient storage has no device id: call open() first");
  return { ...DEFAULT_META, ...stored, device_id: stored.device_id };
}
