// Canonical JSON alone, without node:crypto, so the client computes the same record checksums
// (@syncdesk/client's checksum.ts) on every platform it runs on.
/**
 * Keys sorted by UTF-16 code units (Array#sort's default order), undefined members left out, as
 * JSON.stringify would. Built by string concatenation: every push hashes its whole request and
 * every record's data with it, and the entries/map/join version cost twice the CPU (bench).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return out + "]";
  }
  const object = value as Record<string, unknown>;
  let out = "{";
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    out += (out.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(member);
  }
  return out + "}";
}
