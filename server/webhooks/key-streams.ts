// What a service key may subscribe to: a webhook delivers changes, so its stream patterns must lie
// within the key's own, as a read would (server/keys/stream-patterns.ts).
import { AppError } from "../errors";

/** Whether every stream `pattern` can match is matched by one of `allowed`. */
export function patternWithin(pattern: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => {
    if (a === "*") return true;
    if (pattern === "*") return false;
    if (!a.endsWith("*")) return pattern === a;
    return pattern.startsWith(a.slice(0, -1));
  });
}

/** The webhook's streams for a key: as asked when within the key's patterns, else 403. */
export function streamsForKey(asked: string[] | undefined, keyStreams: readonly string[]): string[] {
  const streams = asked ?? [...keyStreams];
  const outside = streams.filter((p) => !patternWithin(p, keyStreams));
  if (outside.length > 0) throw new AppError("forbidden", `The service key may not subscribe to ${outside.join(", ")}`);
  return streams;
}
