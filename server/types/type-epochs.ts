// Which tokens a type's current version still accepts. A token carries the version of each type it
// was issued under; it stays valid across compatible versions (an added optional or defaulted
// field, INTEGRATION.md section 1) and goes stale only across a version marked `breaking`.
// The versions a deployment has run are remembered in `type_versions`, so a compatible v4 after a
// breaking v3 still refuses tokens of v2.
import type { Sql } from "../db/sql";
import { processSingleton } from "../process-singleton";
import { getResourceType, listTypes } from "./registry";

declare module "../process-singleton" {
  interface ProcessSingletons { typeEpochs: { current: Map<string, number> } }
}

/** type -> the lowest version whose tokens are still valid (the latest breaking version). */
const epochs = () => processSingleton("typeEpochs", () => ({ current: new Map<string, number>() }));

/** Records the app's current type versions (idempotent, safe with instances starting at once). */
export async function recordTypeVersions(sql: Sql): Promise<void> {
  const types = listTypes().filter((t) => !t.builtIn);
  await sql(
    `INSERT INTO type_versions (type, version, breaking)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bool[])
     ON CONFLICT (type, version) DO UPDATE SET breaking = type_versions.breaking OR excluded.breaking`,
    [types.map((t) => t.name), types.map((t) => t.version), types.map((t) => t.breaking)],
  );
  const rows = await sql<{ type: string; since: number }>(
    `SELECT type, max(version)::int AS since FROM type_versions
     WHERE breaking AND type = ANY($1::text[]) AND version <= (SELECT v FROM unnest($1::text[], $2::int[]) AS c(t, v) WHERE c.t = type)
     GROUP BY type`,
    [types.map((t) => t.name), types.map((t) => t.version)],
  );
  epochs().current = new Map(rows.map((r) => [r.type, Number(r.since)]));
}

/** Whether a token issued under `version` of type `name` may still be followed. */
export function tokenVersionValid(name: string, version: number): boolean {
  const type = getResourceType(name);
  if (!type || version > type.version) return false; // removed, or a config rolled back
  const since = Math.max(epochs().current.get(name) ?? 0, type.breaking ? type.version : 0);
  return version >= since;
}
