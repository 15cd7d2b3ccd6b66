// Following the change feed over real HTTP as a backend does: one page, or every page until `more`
// is false. Any answer other than 200 throws from `followAll`, so a test cannot mistake an error
// for an empty feed.
import { ZServerChangesResponse, type TFeedChange } from "@/server/feed/feed-schemas";

export type FeedAnswer = { status: number; body: unknown };

export async function feedPage(url: string, key: string, params: Record<string, string | number | undefined> = {}): Promise<FeedAnswer> {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const answer = await fetch(`${url}/api/v1/server/changes?${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: answer.status, body: (await answer.json()) as unknown };
}

/** Every page from `cursor` (or the start) until `more` is false. */
export async function followAll(url: string, key: string, cursor?: string, limit?: number, extra: Record<string, string> = {}) {
  const changes: TFeedChange[] = [];
  let pages = 0;
  for (;;) {
    const answer = await feedPage(url, key, { cursor, limit, ...extra });
    if (answer.status !== 200) throw new Error(`feed answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const page = ZServerChangesResponse.parse(answer.body);
    if (limit !== undefined && page.changes.length > limit) throw new Error(`a page of ${page.changes.length} changes exceeds ${limit}`);
    changes.push(...page.changes);
    cursor = page.cursor;
    pages += 1;
    if (!page.more) return { changes, cursor, pages };
  }
}

/** "stream#seq" of each change, to compare deliveries. */
export const seqsOf = (changes: TFeedChange[]) => changes.map((c) => `${c.stream}#${c.seq}`);
