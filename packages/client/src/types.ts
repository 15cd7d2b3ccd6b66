// The SDK's local model: what a device stores between launches. Plain JSON values throughout, so
// every storage (memory, SQLite, a React Native database) can keep them as they are.
import type { SyncErrorCode } from "./http";
import type { TItemConflict, TItemError, TPushResponse, TPushResult } from "./wire";

export type Data = Record<string, unknown>;
/**
 * The app's types by name, each to its data: the `SyncdeskTypes` that `npm run types:generate`
 * writes (docs/generated-types.md), given to `SyncClient<SyncdeskTypes>`. Without one, every
 * type name is allowed and its data is `Data`.
 */
export type TypeMap<T = Record<string, Data>> = { [K in keyof T]: Data };
/** A type name of the map (its string keys). */
export type TypeName<T> = keyof T & string;
export type RecordKey = { stream: string; type: string; id: string };
export type EditAction = "create" | "update" | "delete";

/** The server's state of a record as this device last learned it (tombstones included). */
export type LocalRecord = RecordKey & { version: number; data: Data; deleted: boolean; updated_at: string };

/** A local edit not yet confirmed by the server. */
export type OutboxEntry = {
  /** Local order of edits; bundles keep it. */
  seq: number;
  key: RecordKey;
  action: EditAction;
  data: Data | null;
  /** The server version the edit was made on; null while an in-flight edit of the record decides it. */
  base_version: number | null;
  /** A create the app made without an id: `key.id` is this temporary id until the server maps it. */
  temp_id: string | null;
  client_version: number | null;
  updated_at: string;
  /** The bundle carrying this edit, once it is in flight. */
  bundle_id: number | null;
  /** A record this device held that the server lost in a restore (heal.ts): pushed `recovered`. */
  recovered?: boolean;
};

/**
 * A record as this device held it when the server said `history_diverged`, kept until the new
 * bootstrap finished and heal.ts compared it with the server's state (tombstones included).
 */
export type RecoveryEntry = LocalRecord & { checksum: string };

/** The bundle being sent: its exact body is kept so every retry sends the same bytes. */
export type Inflight = { bundle_id: number; body: string; seqs: number[] };

export type Meta = {
  device_id: string;
  /** The pull token; null until a bootstrap finished. */
  token: string | null;
  /** The cursor of an unfinished bootstrap, to resume it after a restart. */
  bootstrap_cursor: string | null;
  next_bundle_id: number;
  next_seq: number;
  inflight: Inflight | null;
  /** Temporary id -> server id, for every create the server confirmed. */
  temp_ids: Record<string, string>;
  /** Unfinished uploads by file (sha256:size:filename), so a restarted app resumes them. */
  uploads: Record<string, PendingUpload>;
  /** What the device held when its history diverged, until the heal after the bootstrap. */
  recovery: RecoveryEntry[] | null;
};

/** An upload session the server opened for a file, kept until the upload is complete. */
export type PendingUpload = { upload_id: string; size: number; sha256: string; filename: string; created_at: string };

/**
 * Why an edit was rejected: its item error, or the request error of a one-edit bundle the server
 * refused whole (push.ts), or `create_failed` (an edit of a create that was not applied).
 */
export type LocalError = { code: TItemError["code"] | SyncErrorCode | "create_failed"; message: string };

/** A push answer as settling reads it: the server's, or one the SDK made for a refused bundle. */
export type PushAnswer = Omit<TPushResponse, "results"> & { results: (Omit<TPushResult, "error"> & { error?: LocalError })[] };

/**
 * Something the app must look at: an edit the server did not apply.
 * - `server_wins`: the type's policy kept the server's version (`detail.server_data`).
 * - `stored`: kept on the server as an open conflict (`id` is its conflict_id) for a person.
 * - `rejected`: the item failed (`error`), e.g. invalid data or a unique field taken.
 */
export type LocalConflict = {
  id: string;
  kind: "server_wins" | "stored" | "rejected";
  key: RecordKey;
  action: EditAction;
  local_data: Data | null;
  detail: TItemConflict | null;
  error: LocalError | null;
  created_at: string;
};

/** A record as the app sees it: the server's state with the pending local edits on top. */
export type ViewRecord<D extends Data = Data> = RecordKey & {
  data: D;
  /** The server version this view is based on (0 for a record the server has not seen yet). */
  version: number;
  /** True while local edits of it wait to be pushed. */
  pending: boolean;
  updated_at: string;
};

export const keyString = (k: RecordKey): string => `${k.stream}\u0000${k.type}\u0000${k.id}`;
export const sameKey = (a: RecordKey, b: RecordKey): boolean =>
  a.stream === b.stream && a.type === b.type && a.id === b.id;
