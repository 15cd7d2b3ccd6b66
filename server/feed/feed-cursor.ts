// The change feed's cursor: opaque and signed like pull tokens (server/sync/tokens.ts), so a
// follower can neither forge a position nor read a filter it was not given. It never expires: a
// stale one is refused by what it points at (compaction, history), not by its age.
//   a  every event at or below this position is done;
//   e  an event larger than a page, delivered up to seq `s` (the next page resumes inside it);
//   fp the last delivered point (stream, seq) and the history fingerprint there (fingerprint.ts),
//      so a restored or failed-over database answers 412 history_diverged instead of skipping;
//   f, t the stream patterns and types the cursor follows (a cursor is bound to its filters).
import { z } from "zod";
import { env } from "../env";
import { invalidFields } from "../errors";
import { openPayload, signPayload } from "../sync/tokens";

const ZFeedCursor = z.object({
  k: z.literal("feed"),
  a: z.number().int().min(0),
  e: z.object({ p: z.number().int().min(1), s: z.number().int().min(0) }).optional(),
  fp: z.object({ s: z.string(), q: z.number().int().min(1), h: z.string().nullable() }).optional(),
  f: z.array(z.string()),
  t: z.array(z.string()).nullable(),
});
export type FeedCursor = Omit<z.infer<typeof ZFeedCursor>, "k">;

export function signFeedCursor(cursor: FeedCursor): string {
  return signPayload(env().syncTokenSecret, { k: "feed", ...cursor });
}

const sameList = (a: readonly string[] | null, b: readonly string[] | null) =>
  JSON.stringify(a === null ? null : [...a].sort()) === JSON.stringify(b === null ? null : [...b].sort());

/**
 * Opens a cursor (401 invalid_token when tampered or foreign). Filters given with a cursor must be
 * the ones it was made with: following a cursor with other streams would silently pass over the
 * changes of the streams added (400).
 */
export function openFeedCursor(token: string, filters: { streams?: string[]; types?: string[] }): FeedCursor {
  const { k: _kind, ...cursor } = openPayload(env().syncTokenSecret, token, ZFeedCursor, "feed cursor");
  const streamsDiffer = filters.streams !== undefined && !sameList(filters.streams, cursor.f);
  const typesDiffer = filters.types !== undefined && !sameList(filters.types, cursor.t);
  if (streamsDiffer || typesDiffer) {
    const fields = [...(streamsDiffer ? ["streams"] : []), ...(typesDiffer ? ["types"] : [])];
    throw invalidFields(fields.map((field) => ({ field, message: "differs from the cursor's; omit it or start a new cursor" })),
      "A cursor follows the streams and types it was made with");
  }
  return cursor;
}
