// Whether a stream pattern asked for (`streams=` of the change feed) stays inside a service key's
// patterns (stream-patterns.ts): `*` only within `*`, a prefix within an equal or shorter prefix,
// one stream within any pattern that allows it.
import { streamAllowed } from "../keys/stream-patterns";

export function patternWithin(keyPatterns: readonly string[], asked: string): boolean {
  if (asked === "*") return keyPatterns.includes("*");
  if (!asked.endsWith("*")) return streamAllowed(keyPatterns, asked);
  const prefix = asked.slice(0, -1);
  return keyPatterns.some((p) => p === "*" || (p.endsWith("*") && prefix.startsWith(p.slice(0, -1))));
}
