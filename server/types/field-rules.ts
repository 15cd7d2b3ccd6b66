// Per-field merge rules of INTEGRATION.md section 1, as pure decisions. They apply only when an
// update was based on an older version than the server's. The type's policy decides the fields
// without a `merge` rule; this function then decides the ruled ones over the policy's result.
import { canonicalJson, jsonEqual } from "../sync/canonical";
import type { RecordData } from "../sync/records";

export type FieldMerge = "lww" | "max" | "min" | "counter" | "union" | "server" | "client" | "manual";
export type FieldRule = { merge?: FieldMerge; immutable?: boolean; serverOnly?: boolean; transitions?: Record<string, string[]> };
export type FieldRules = Readonly<Record<string, FieldRule>>;

export type FieldMergeInput = {
  rules: FieldRules;
  /** The type's policy result for the other fields; ruled fields are overwritten in a copy. */
  into: RecordData;
  /** Data at the client's base version; null when unknown (never seen, or compacted away). */
  base: RecordData | null;
  server: RecordData;
  client: RecordData;
  clientUpdatedAt: Date | null;
  serverUpdatedAt: Date;
};
/** `manual` lists the fields a person must decide (sorted); `data` keeps the server's value for them. */
export type FieldMergeResult = { data: RecordData; manual: string[] };

/**
 * A missing field is its own value: canonical JSON writes undefined as null, so jsonEqual alone
 * would confuse "removed" with "set to null".
 */
export const ABSENT: unique symbol = Symbol("absent");
const UNKNOWN: unique symbol = Symbol("base unknown");
const MANUAL: unique symbol = Symbol("manual");

/** The field's value, or ABSENT; own keys only, so a field named "constructor" is not inherited. */
export function readField(data: RecordData, field: string): unknown {
  return Object.hasOwn(data, field) && data[field] !== undefined ? data[field] : ABSENT;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === ABSENT || b === ABSENT ? a === b : jsonEqual(a, b);
}

/** The fields a `merge` rule decides: the type's policy should decide (and report conflicts on) only the others. */
export function fieldsWithMergeRule(rules: FieldRules): string[] {
  return Object.keys(rules).filter((field) => rules[field]?.merge !== undefined);
}

type Sides = { base: unknown; server: unknown; client: unknown; clientLater: boolean };

/** Which side moved the field away from base; "both" when they disagree (or base is unknown). */
function changedSide(f: Sides): "server" | "client" | "both" {
  if (sameValue(f.server, f.client)) return "server";
  if (f.base === UNKNOWN) return "both";
  const serverChanged = !sameValue(f.base, f.server);
  const clientChanged = !sameValue(f.base, f.client);
  if (serverChanged && clientChanged) return "both";
  return clientChanged ? "client" : "server";
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A set operand: absent and null are the empty set; any other non-array cannot be merged. */
function asSet(v: unknown): unknown[] | null {
  if (v === ABSENT || v === null) return [];
  return Array.isArray(v) ? v : null;
}

function mergeUnion(f: Sides): unknown {
  const server = asSet(f.server);
  const client = asSet(f.client);
  if (server === null || client === null) return MANUAL;
  // A non-array base tells nothing about removals: fall back to a plain union.
  const base = f.base === UNKNOWN ? null : asSet(f.base);
  const keys = (list: unknown[]) => new Set(list.map((x) => canonicalJson(x)));
  const [inBase, inServer, inClient] = [keys(base ?? []), keys(server), keys(client)];
  const out: unknown[] = [];
  const seen = new Set<string>();
  // Server's order first, then the client's new items. An item in base that either side lacks
  // was removed there and stays removed; an item not in base is an addition and is kept.
  for (const item of [...server, ...client]) {
    const key = canonicalJson(item);
    const removed = inBase.has(key) && (!inServer.has(key) || !inClient.has(key));
    if (!removed && !seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

function mergeCounter(f: Sides): unknown {
  // Without base the two deltas cannot be told apart, and guessing would drop an increment.
  if (f.base === UNKNOWN) return MANUAL;
  // Equal values on both sides are still two increments, so no "same value" shortcut here.
  if (sameValue(f.base, f.client)) return f.server;
  if (sameValue(f.base, f.server)) return f.client;
  // A counter missing from base started at zero on both sides.
  const base = f.base === ABSENT ? 0 : f.base;
  if (!isNumber(base) || !isNumber(f.server) || !isNumber(f.client)) return MANUAL;
  return f.server + (f.client - base);
}

function mergeField(merge: FieldMerge, f: Sides): unknown {
  switch (merge) {
    case "server":
    case "client":
      return f[merge];
    case "lww": {
      // Only a side that changed the field wrote it; timestamps decide when both did.
      const side = changedSide(f);
      return side !== "both" ? f[side] : f.clientLater ? f.client : f.server;
    }
    case "manual": {
      const side = changedSide(f);
      return side === "both" ? MANUAL : f[side];
    }
    case "max":
    case "min": {
      if (isNumber(f.server) && isNumber(f.client)) return (merge === "max" ? Math.max : Math.min)(f.server, f.client);
      // One number against absent/null/other: the number. Neither a number: the server keeps its value.
      return isNumber(f.client) && !isNumber(f.server) ? f.client : f.server;
    }
    case "counter":
      return mergeCounter(f);
    case "union":
      return mergeUnion(f);
  }
}

export function mergeFieldsByRules(input: FieldMergeInput): FieldMergeResult {
  const data: RecordData = { ...input.into };
  const manual: string[] = [];
  // Millisecond precision; a tie, or a client without a timestamp, goes to the server (as lww policy).
  const clientLater = input.clientUpdatedAt !== null && input.clientUpdatedAt.getTime() > input.serverUpdatedAt.getTime();
  for (const field of fieldsWithMergeRule(input.rules)) {
    const merge = input.rules[field]?.merge;
    if (merge === undefined) continue;
    const base = input.base === null ? UNKNOWN : readField(input.base, field);
    const sides: Sides = { base, server: readField(input.server, field), client: readField(input.client, field), clientLater };
    const both = sides.server === ABSENT && sides.client === ABSENT;
    let value = both ? ABSENT : mergeField(merge, sides);
    if (value === MANUAL) {
      manual.push(field);
      value = sides.server;
    }
    if (value === ABSENT) delete data[field];
    else data[field] = value;
  }
  return { data, manual: manual.sort() };
}
