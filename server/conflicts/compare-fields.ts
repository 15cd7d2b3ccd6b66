// The per-field comparison a person reads to decide a conflict: each top-level field's value in
// the base, server, client and (when the record moved on) current data, and who changed what.
import { jsonEqual } from "../sync/canonical";

type Data = Record<string, unknown> | null;

/** One field. A value of `undefined` means the field is absent on that side. */
export type FieldComparison = {
  field: string;
  inConflict: boolean;
  base: unknown;
  server: unknown;
  client: unknown;
  current: unknown;
  /** null when the base version's data is unknown (a create, or history compacted away). */
  changedByServer: boolean | null;
  changedByClient: boolean | null;
  /** Server and client disagree. */
  differs: boolean;
  /** The current record differs from the server value the conflict was opened against. */
  changedSinceOpened: boolean;
};

export type ComparisonSides = {
  base: Data;
  server: Data;
  client: Data;
  /** The current record's data, only when it changed since the conflict opened. */
  current?: Data;
  conflictFields: readonly string[];
};

const valueOf = (data: Data | undefined, field: string): unknown =>
  data && Object.hasOwn(data, field) ? data[field] : undefined;

const same = (a: unknown, b: unknown) => (a === undefined || b === undefined ? a === b : jsonEqual(a, b));

export function compareFields(sides: ComparisonSides): FieldComparison[] {
  const names = new Set<string>(sides.conflictFields);
  for (const data of [sides.server, sides.client, sides.base, sides.current]) {
    for (const key of Object.keys(data ?? {})) names.add(key);
  }
  const conflicting = new Set(sides.conflictFields);
  const ordered = [...names].sort((a, b) => Number(conflicting.has(b)) - Number(conflicting.has(a)));
  return ordered.map((field) => {
    const base = valueOf(sides.base, field);
    const server = valueOf(sides.server, field);
    const client = valueOf(sides.client, field);
    const current = valueOf(sides.current, field);
    const knownBase = sides.base !== null;
    return {
      field,
      inConflict: conflicting.has(field),
      base,
      server,
      client,
      current,
      changedByServer: knownBase ? !same(base, server) : null,
      changedByClient: knownBase ? !same(base, client) : null,
      differs: !same(server, client),
      changedSinceOpened: sides.current !== undefined && !same(server, current),
    };
  });
}
