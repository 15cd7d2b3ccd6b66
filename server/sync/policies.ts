// Conflict policies of PROTOCOL.md "Records and types", as pure decisions. A conflict exists when
// an update or delete was based on an older version than the server's. Fields with a merge rule
// (INTEGRATION.md section 1) are decided by the rule; the type's policy decides the others.
import { fieldsWithMergeRule, mergeFieldsByRules, type FieldRules } from "../types/field-rules";
import type { ConflictPolicy } from "../types/resource-type";
import { jsonEqual } from "./canonical";
import type { RecordData } from "./records";

export type Decision =
  | { outcome: "client_wins" }
  | { outcome: "server_wins" }
  | { outcome: "merged"; data: RecordData }
  | { outcome: "store"; fields: string[] };

export type ConflictInput = {
  policy: ConflictPolicy;
  /** Per-field merge rules of the type; {} when it has none. */
  rules: FieldRules;
  /** Client data; null for a delete. */
  client: RecordData | null;
  /** Server data; null when the server's record is deleted. */
  server: RecordData | null;
  /** Data at the client's base version; null when unknown (never seen, or compacted away). */
  base: RecordData | null;
  clientUpdatedAt: Date | null;
  serverUpdatedAt: Date;
  clientVersion: number | null;
  serverVersion: number;
};

/** Top-level fields whose values differ between two records. */
export function differingFields(a: RecordData | null, b: RecordData | null): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => !jsonEqual(a?.[k], b?.[k])).sort();
}

export type MergeResult = { ok: true; data: RecordData } | { ok: false; fields: string[] };

/** Three-way merge by top-level field: disjoint edits merge, overlapping different edits conflict. */
export function mergeThreeWay(base: RecordData, server: RecordData, client: RecordData): MergeResult {
  const serverChanged = new Set(differingFields(base, server));
  const clientChanged = differingFields(base, client);
  const overlapping = clientChanged.filter((k) => serverChanged.has(k) && !jsonEqual(server[k], client[k]));
  if (overlapping.length > 0) return { ok: false, fields: overlapping };
  const merged: RecordData = { ...server };
  for (const key of clientChanged) {
    if (key in client) merged[key] = client[key];
    else delete merged[key];
  }
  return { ok: true, data: merged };
}

export function decideConflict(input: ConflictInput): Decision {
  const ruled = fieldsWithMergeRule(input.rules);
  const { client, server } = input;
  // A delete against an edit is the policy's alone: there are no fields to merge.
  if (ruled.length === 0 || client === null || server === null) return decideByPolicy(input);
  // 1. The policy decides the fields without a rule, as if the ruled ones did not exist.
  const without = (data: RecordData | null) => data && Object.fromEntries(Object.entries(data).filter(([k]) => !ruled.includes(k)));
  const policy = decideByPolicy({ ...input, client: without(client), server: without(server), base: without(input.base) });
  if (policy.outcome === "store" && policy.fields.length > 0) return policy;
  // 2. The rules decide theirs over the policy's result.
  const into = policy.outcome === "client_wins" ? client : policy.outcome === "merged" ? policy.data : server;
  const merged = mergeFieldsByRules({ ...input, into, client, server });
  if (merged.manual.length > 0) return { outcome: "store", fields: merged.manual };
  if (jsonEqual(merged.data, server)) return { outcome: "server_wins" };
  if (jsonEqual(merged.data, client)) return { outcome: "client_wins" };
  return { outcome: "merged", data: merged.data };
}

function decideByPolicy(input: ConflictInput): Decision {
  switch (input.policy) {
    case "manual":
      return { outcome: "store", fields: differingFields(input.server, input.client) };
    case "lww": {
      // Millisecond precision in UTC; a tie, or a client without a timestamp, goes to the server.
      const clientWins = input.clientUpdatedAt !== null && input.clientUpdatedAt.getTime() > input.serverUpdatedAt.getTime();
      return { outcome: clientWins ? "client_wins" : "server_wins" };
    }
    case "version": {
      const clientWins = input.clientVersion !== null && input.clientVersion > input.serverVersion;
      return { outcome: clientWins ? "client_wins" : "server_wins" };
    }
    case "merge": {
      // A delete against an edit (either way) has no field-level merge: a person decides.
      if (input.client === null || input.server === null) {
        return { outcome: "store", fields: differingFields(input.server, input.client) };
      }
      const merged = mergeThreeWay(input.base ?? {}, input.server, input.client);
      return merged.ok ? { outcome: "merged", data: merged.data } : { outcome: "store", fields: merged.fields };
    }
  }
}
