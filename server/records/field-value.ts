// What "field = value" means in the record browser, and how it finds records fast.
//
// Meaning: the typed text as a string, or, when it reads as JSON (42, true, null, ["a"]), also that
// JSON value, so `pinned = true` finds booleans and `title = 42` finds both the number and the
// text "42".
//
// Speed: two GIN (jsonb_path_ops) indexes of prisma/migrations/20261205010000_records_field_index
// answer containment, which for a top-level field is the same as equality when the value is a
// scalar (and a superset otherwise, so the exact comparison is always applied as well):
// - records_data_idx on `data`, for the whole table;
// - records_stream_data_idx on `{<stream>: data}`, for a user's or one stream's records: its
//   entries hash stream, field and value together, so a value rare in that stream is found
//   through its few entries even when it is common elsewhere (a per-stream filter on the data index
//   alone would read every entry of the value).
import { Prisma } from "../db/generated/client";

export type FieldFilter = { name: string; value: string };

/** Above this many streams in scope the per-stream conditions would outgrow the query. */
const MAX_STREAM_TERMS = 32;

export function fieldValueCandidates(value: string): string[] {
  const asString = JSON.stringify(value);
  try {
    const asJson = JSON.stringify(JSON.parse(value));
    return asJson === asString ? [asString] : [asString, asJson];
  } catch {
    return [asString];
  }
}

/** The exact test: the field's value equals one of the candidates. */
export function fieldEquals(field: FieldFilter): Prisma.Sql {
  const value = Prisma.sql`(data -> ${field.name}::text)`;
  const tests = fieldValueCandidates(field.value).map((c) => Prisma.sql`${value} = ${c}::jsonb`);
  return Prisma.sql`(${Prisma.join(tests, " OR ")})`;
}

/**
 * The same test as the indexes can serve it (containment), within `streams` when the scope is known
 * and small. Implied by fieldEquals, never a replacement for it.
 */
export function fieldContains(field: FieldFilter, streams: string[] | null): Prisma.Sql {
  const candidates = fieldValueCandidates(field.value);
  const terms = streams && streams.length <= MAX_STREAM_TERMS
    ? streams.flatMap((stream) => candidates.map((c) =>
      // The expression must read exactly as the index's for the planner to use it.
      Prisma.sql`jsonb_set('{}'::jsonb, ARRAY[stream], data) @> jsonb_build_object(${stream}::text, jsonb_build_object(${field.name}::text, ${c}::jsonb))`))
    : candidates.map((c) => Prisma.sql`data @> jsonb_build_object(${field.name}::text, ${c}::jsonb)`);
  return terms.length > 0 ? Prisma.sql`(${Prisma.join(terms, " OR ")})` : Prisma.sql`false`;
}
