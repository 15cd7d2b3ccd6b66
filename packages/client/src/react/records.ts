// useRecords, useRecord and useConflicts: the client's local reads as React state, refreshed on
// the client's events (use-client-value.ts). Typed by the client's type map, so
// `useRecords(client, "visit")` answers `ViewRecord<Visit>[]`.
import type { SyncClient } from "../client";
import type { LocalConflict, TypeMap, TypeName, ViewRecord } from "../types";
import { useClientValue } from "./use-client-value";

type ReadOptions = { stream?: string };

export type RecordsState<D> = { records: D[]; loading: boolean; error: unknown };
export type RecordState<D> = { record: D | null; loading: boolean; error: unknown };
export type ConflictsState = { conflicts: LocalConflict[]; loading: boolean; error: unknown };

/** Every visible record of `type` (the server's state with pending edits on top). */
export function useRecords<T extends TypeMap<T>, K extends TypeName<T>>(
  client: SyncClient<T>,
  type: K,
  options: ReadOptions = {},
): RecordsState<ViewRecord<T[K]>> {
  const { value, loading, error } = useClientValue(client, () => client.list(type, options), [], [type, options.stream]);
  return { records: value, loading, error };
}

/** One record, or null while it does not exist (or was deleted). A temp id keeps working after the server maps it. */
export function useRecord<T extends TypeMap<T>, K extends TypeName<T>>(
  client: SyncClient<T>,
  type: K,
  id: string | null | undefined,
  options: ReadOptions = {},
): RecordState<ViewRecord<T[K]>> {
  const read = async () => (id ? client.get(type, id, options) : null);
  const { value, loading, error } = useClientValue(client, read, null, [type, id, options.stream]);
  return { record: value, loading, error };
}

/** The edits the server did not apply, for the app to show and resolve (`client.resolveConflict`). */
export function useConflicts<T extends TypeMap<T>>(client: SyncClient<T>): ConflictsState {
  const { value, loading, error } = useClientValue(client, () => client.conflicts(), [], []);
  return { conflicts: value, loading, error };
}
