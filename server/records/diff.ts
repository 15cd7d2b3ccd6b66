// A version's field diff against the one before it, by top-level field (the granularity of the
// protocol's merges and conflicts). A deleted version has no data: every field of the one before
// is "removed", and an undelete "adds" them back.
import { jsonEqual } from "../sync/canonical";
import type { RecordData } from "../sync/records";

export type FieldChange = { field: string; change: "added" | "removed" | "changed"; before: unknown; after: unknown };

export function diffRecordData(before: RecordData | null, after: RecordData | null): FieldChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return fields.flatMap((field): FieldChange[] => {
    const had = before !== null && Object.hasOwn(before, field);
    const has = after !== null && Object.hasOwn(after, field);
    const [a, b] = [had ? before[field] : undefined, has ? after[field] : undefined];
    if (had && has && jsonEqual(a, b)) return [];
    return [{ field, change: !had ? "added" : !has ? "removed" : "changed", before: a ?? null, after: b ?? null }];
  });
}
