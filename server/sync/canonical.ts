// Canonical JSON (keys sorted, no whitespace) and the record checksum of PROTOCOL.md.
import { createHash } from "node:crypto";
import { canonicalJson } from "@syncdesk/protocol";

export { canonicalJson };

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function checksumOf(data: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(data))}`;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
