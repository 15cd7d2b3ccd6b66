// The `Range` header of a blob download: one range of bytes (`a-b`, `a-`, `-n`). Several ranges
// are answered whole (allowed by RFC 9110); a range past the end is unsatisfiable (416).
import type { ByteRange } from "../storage/blob-store";

export type RangeRequest = { kind: "whole" } | { kind: "part"; range: ByteRange } | { kind: "unsatisfiable" };

export function parseByteRange(header: string | null, size: number): RangeRequest {
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header?.trim() ?? "");
  if (!match) return { kind: "whole" };
  const [first, last] = [match[1] ?? "", match[2] ?? ""];
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== "" && Number(last) < start)) return { kind: "unsatisfiable" };
  return { kind: "part", range: { start, end } };
}
