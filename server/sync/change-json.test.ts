// The pull page is written straight into one buffer (change-json.ts `pullPageBytes`); its bytes
// must be the UTF-8 of the page's text as it was written before (the change texts joined), for
// pages of any size and any characters, and parse to the page's wire answer.
import { describe, expect, it } from "vitest";
import { TRICKY_JSON_TEXTS } from "@/test/support/tricky-json";
import { changeJson, pullPageBytes, toPullResponse, type PullPage } from "./change-json";
import type { ChangeRow } from "./pull-read";

function row(seq: number, overrides: Partial<ChangeRow> = {}): ChangeRow {
  return {
    stream: "user:alice", seq: BigInt(seq), type: "memo", recordId: `m-${seq}`, op: "upsert", version: 1,
    data: '{"x": 1}', updatedAt: "2026-12-07T10:00:00.123Z", batchId: null, conflict: null, hash: null, ...overrides,
  };
}

/** The page's text as it was written before this buffer: every change's text joined. */
const joinedText = (page: PullPage) =>
  `{"token":${JSON.stringify(page.token)},"changes":[${page.changes.map((c) => changeJson(c)).join(",")}],"more":${page.more},"server_time":${JSON.stringify(page.server_time)}}`;

const pageOf = (changes: ChangeRow[], more = false): PullPage => ({ token: "tök\"en", changes, more, server_time: "2026-12-07T10:00:01.000Z" });

describe("pullPageBytes", () => {
  const tricky: ChangeRow[] = [
    ...TRICKY_JSON_TEXTS.map((data, i) => row(i + 1, { data })),
    row(20, { recordId: 'id "quoted" \\ back ü 😀 \u0001 \ud800 lone', stream: "user:ü", type: "mémo", batchId: "6e0d1f3c-2a6b-4a1d-9c1e-0e7b2a1c3d4e" }),
    row(21, { op: "delete", data: null, conflict: '{"fields": ["é"]}' }),
  ];

  it.each([
    ["an empty page", pageOf([])],
    ["one change", pageOf([row(1)], true)],
    ["tricky texts and non-ASCII names", pageOf(tricky, true)],
    ["a page of 1,000 changes", pageOf(Array.from({ length: 1000 }, (_, i) => row(i + 1, { data: `{"content": "ü ${"x".repeat(i % 300)}"}` })))],
  ])("is the UTF-8 of the joined text: %s", (_, page) => {
    const bytes = pullPageBytes(page);
    expect(bytes.equals(Buffer.from(joinedText(page), "utf8"))).toBe(true);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual(toPullResponse(page));
  });
});
