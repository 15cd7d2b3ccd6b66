// The record checksum of PROTOCOL.md ("sha256:" and the hex digest of the canonical JSON), the same
// the server stores, computed without node:crypto so it runs wherever the SDK does.
import { canonicalJson } from "@syncdesk/protocol";
import { Sha256 } from "./sha256";

export function checksumOf(data: unknown): string {
  return `sha256:${new Sha256().update(new TextEncoder().encode(canonicalJson(data))).hex()}`;
}
