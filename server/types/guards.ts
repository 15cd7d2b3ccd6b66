// Field guards of INTEGRATION.md section 1, as one pure check run on every write path (push,
// server write, staff resolution, replay) so that no path can bypass them.
import type { RecordData } from "../sync/records";
import { ABSENT, readField, sameValue, type FieldRule, type FieldRules } from "./field-rules";

/** Replay re-runs device items, so it is held to what a device may do. */
export type GuardWriter = "device" | "server" | "staff" | "replay";
export type GuardViolation = { code: "invalid_data" | "invalid_transition"; field: string; message: string };
export type GuardInput = {
  rules: FieldRules;
  /** null: the write creates the record. */
  before: RecordData | null;
  /** null: the write deletes the record. */
  after: RecordData | null;
  writer: GuardWriter;
};

/**
 * States a value may start in (on create, or when the field first appears): the keys no edge leads
 * to. When every key has an incoming edge (a cycle such as open <-> closed, or a "reopen" edge
 * back to draft), the first key the map lists is the start: allowing any key would let a create
 * skip the flow, e.g. start at "submitted".
 */
export function initialStates(transitions: Record<string, string[]>): string[] {
  const targets = new Set(Object.values(transitions).flat());
  const keys = Object.keys(transitions);
  const sources = keys.filter((state) => !targets.has(state));
  return sources.length > 0 ? sources : keys.slice(0, 1);
}

/** Whether the value may go from `from` to `to`; ABSENT stands for "no value yet" / "removed". */
export function isAllowedTransition(transitions: Record<string, string[]>, from: unknown, to: unknown): boolean {
  if (sameValue(from, to)) return true;
  if (typeof to !== "string") return false;
  if (from === ABSENT) return initialStates(transitions).includes(to);
  // Own keys only: a value such as "constructor" must not find Object.prototype's.
  return typeof from === "string" && Object.hasOwn(transitions, from) && (transitions[from] ?? []).includes(to);
}

const show = (v: unknown): string => (v === ABSENT ? "absent" : (JSON.stringify(v) ?? String(v)).slice(0, 80));

function checkField(field: string, rule: FieldRule, input: GuardInput, after: RecordData): GuardViolation | null {
  const from = input.before === null ? ABSENT : readField(input.before, field);
  const to = readField(after, field);
  const changed = !sameValue(from, to);
  if (rule.immutable && input.before !== null && changed) {
    return { code: "invalid_data", field, message: `field "${field}" is immutable: it cannot change from ${show(from)} to ${show(to)}` };
  }
  // On create `from` is ABSENT, so a device create may only leave the field out.
  if (rule.serverOnly && (input.writer === "device" || input.writer === "replay") && changed) {
    return { code: "invalid_data", field, message: `field "${field}" is set by the server only: a device cannot set it to ${show(to)}` };
  }
  if (rule.transitions && !isAllowedTransition(rule.transitions, from, to)) {
    const allowed = from === ABSENT ? initialStates(rule.transitions) : typeof from === "string" && Object.hasOwn(rule.transitions, from) ? (rule.transitions[from] ?? []) : [];
    const hint = allowed.length > 0 ? `allowed: ${allowed.join(", ")}` : "no change is allowed from it";
    return { code: "invalid_transition", field, message: `field "${field}" cannot go from ${show(from)} to ${show(to)} (${hint})` };
  }
  return null;
}

/** A staff write's broken guard as the console's field error (the field under `prefix`). */
export function guardFieldError(violation: GuardViolation, prefix = ""): { field: string; message: string } {
  return { field: `${prefix}${violation.field}`, message: violation.message };
}

/** The first broken guard, in the order the config lists the fields; null when the write may go on. */
export function checkGuards(input: GuardInput): GuardViolation | null {
  // A delete changes no field's value; who may delete is the route's and the policy's concern.
  if (input.after === null) return null;
  for (const [field, rule] of Object.entries(input.rules)) {
    const violation = checkField(field, rule, input, input.after);
    if (violation) return violation;
  }
  return null;
}
