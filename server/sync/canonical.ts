// Canonical JSON (keys sorted, no whitespace) and the record checksum of PROTOCOL.md.
import { hash } from "node:crypto";
import { canonicalJson, sortKeysInPlace, type TPushRequest } from "@syncdesk/protocol";

export { canonicalJson };

// One-shot: a Hash object (a stream with its state) per call was a large part of what a push
// allocated per item (a record checksum and a chain hash each).
export function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
}

export function checksumOf(data: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(data))}`;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Canonical texts of data objects, per push: each item's data noted while the request's canonical
 * JSON is written (push.ts), reused by validation (item-data.ts) for data it validated in place and
 * by the record's checksum: one serialisation of every document per push instead of two (~0.35 ms
 * CPU per 100 items). Why a Map per push, not one module-level WeakMap: V8's scavenges keep a
 * WeakMap's entries alive while their key is, and a push's keys often outlived one scavenge, so
 * the texts and the data were promoted to the old generation with every push
 * (bench/profiles/2026-12-08-push-memory.md). This map goes with its push. A data object is not
 * changed once its text is noted.
 */
export type DataTexts = Map<object, string>;

/** `canonicalJson(request)`, noting each item's data text in `texts`. */
export function canonicalPushRequest(request: TPushRequest, texts: DataTexts): string {
  const noteData = (key: string, value: unknown): string | undefined => {
    if (key !== "data" || typeof value !== "object" || value === null) return undefined;
    const text = canonicalJson(value);
    texts.set(value, text);
    return text;
  };
  return canonicalObject(request, (key, value) =>
    key === "items" && Array.isArray(value) ? `[${value.map((item: object) => canonicalObject(item, noteData)).join(",")}]` : undefined);
}

/** canonicalJson of an object whose members' text `member` may write instead. */
function canonicalObject(object: object, member: (key: string, value: unknown) => string | undefined): string {
  let out = "{";
  for (const key of sortKeysInPlace(Object.keys(object))) {
    const value: unknown = Reflect.get(object, key);
    if (value === undefined) continue;
    out += (out.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + (member(key, value) ?? canonicalJson(value));
  }
  return out + "}";
}
