// A push item's data before it is written: validated against the type's schema (defaults filled),
// within the size limit, and held to the type's field guards (INTEGRATION.md section 1).
import type { FieldRules } from "../types/field-rules";
import { checkGuards, type GuardViolation, type GuardWriter } from "../types/guards";
import type { DataIssue, ResourceType } from "../types/resource-type";
import { canonicalJson, type DataTexts } from "./canonical";
import { ItemError } from "./item-error";
import type { RecordData } from "./records";
import { LIMITS, type TPushItem } from "@syncdesk/protocol";

// Values of an item's data that JavaScript could not hold as sent (server/http/exact-json.ts: a
// rounded number, a `__proto__` key), found in the raw body before parsing changed them. The
// parsed item is keyed here by the route builder, so the item is refused and its siblings apply.
const refusals = new WeakMap<object, DataIssue[]>();

export function refuseItemData(item: object, issues: DataIssue[]): void {
  refusals.set(item, [...(refusals.get(item) ?? []), ...issues]);
}

/**
 * The item's data, validated (defaults filled, carried fields kept); null for a delete. Its
 * canonical JSON, measured for the size limit, is noted in `texts` for the record's checksum.
 */
export function validData(type: ResourceType, item: TPushItem, live: RecordData | null, writer: GuardWriter, texts: DataTexts): RecordData | null {
  if (item.action === "delete") return null;
  if (!item.data) throw new ItemError("invalid_data", `data is required for ${item.action}`);
  const refused = refusals.get(item);
  if (refused) {
    const first = refused.slice(0, 5).map((i) => `${i.field} ${i.message}`);
    throw new ItemError("invalid_data", `data cannot be stored as sent: ${first.join("; ")}`, refused);
  }
  // Checked on what the device sent, before defaults fill a server-only field of a new record.
  const sent = carryForward(type, item.data, live);
  throwIfBroken(checkGuards({ rules: guardsOf(type).serverOnly, before: live, after: sent, writer }));
  const parsed = type.validate(sent);
  // Oversize data is payload_too_large, also when it fails the schema (likely, being oversize).
  if (!parsed.ok && tooLarge(JSON.stringify(item.data))) throw dataTooLarge();
  if (!parsed.ok) throw invalidData(type, parsed.issues);
  // Data validated in place (no defaults to fill, nothing carried) is the request's object, whose
  // text the request's canonical JSON noted (push.ts).
  const canonical = texts.get(parsed.data) ?? canonicalJson(parsed.data);
  if (tooLarge(canonical)) throw dataTooLarge();
  texts.set(parsed.data, canonical);
  return parsed.data;
}

/** An update that leaves out a carried field (resource-type.ts) keeps the record's value. */
function carryForward(type: ResourceType, sent: RecordData, live: RecordData | null): RecordData {
  const kept = live ? type.carriedFields.filter((f) => !Object.hasOwn(sent, f) && Object.hasOwn(live, f)) : [];
  return kept.length === 0 ? sent : { ...sent, ...Object.fromEntries(kept.map((f) => [f, live?.[f]])) };
}

type GuardSplit = { serverOnly: FieldRules; others: FieldRules };

// Per compiled type, once: every push item is checked against the same two halves of its rules.
const splits = new WeakMap<ResourceType, GuardSplit>();

/** Server-only is checked on what was sent; the other guards on the value written. */
function guardsOf(type: ResourceType): GuardSplit {
  let split = splits.get(type);
  if (!split) {
    const entries = Object.entries(type.fields);
    split = {
      serverOnly: Object.fromEntries(entries.filter(([, r]) => r.serverOnly).map(([f]) => [f, { serverOnly: true }])),
      others: Object.fromEntries(entries.map(([f, r]) => [f, { ...r, serverOnly: false }])),
    };
    splits.set(type, split);
  }
  return split;
}

/** Guards between the committed value and the one written (server-only was checked on what was sent). */
export function checkWriteGuards(type: ResourceType, before: RecordData | null, after: RecordData | null, writer: GuardWriter): void {
  throwIfBroken(checkGuards({ rules: guardsOf(type).others, before, after, writer }));
}

function throwIfBroken(violation: GuardViolation | null): void {
  if (violation) throw new ItemError(violation.code, violation.message, [{ field: violation.field, message: violation.message }]);
}

/** `invalid_data` whose message names the first failing fields and whose details list them all. */
function invalidData(type: ResourceType, issues: DataIssue[]): ItemError {
  const first = issues.slice(0, 5).map((i) => `${i.field}: ${i.message}`);
  return new ItemError("invalid_data", `data does not match type ${type.name}: ${first.join("; ")}`, issues);
}

const tooLarge = (json: string) => Buffer.byteLength(json) > LIMITS.maxRecordDataBytes;
const dataTooLarge = () => new ItemError("payload_too_large", `data exceeds ${LIMITS.maxRecordDataBytes} bytes`);

