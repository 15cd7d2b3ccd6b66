import { describe, expect, it } from "vitest";
import { planHeal, recoverySet } from "./heal";
import { keyString, type LocalRecord } from "./types";

const rec = (id: string, version: number, content: string, deleted = false): LocalRecord => ({
  stream: "user:u", type: "memo", id, version, data: { content }, deleted, updated_at: "2026-12-01T00:00:00.000Z",
});
const plan = (kept: LocalRecord[], server: LocalRecord[], pending: string[] = []) =>
  planHeal(recoverySet(kept), new Map(server.map((r) => [keyString(r), r])), new Set(pending.map((id) => keyString(rec(id, 0, "")))));
const summary = (p: ReturnType<typeof plan>) => ({
  edits: p.edits.map((e) => [e.key.id, e.action, e.base_version, e.data?.content ?? null, e.recovered]),
  superseded: p.superseded.map((k) => k.id),
});

describe("planHeal", () => {
  it("pushes back what the server lacks or holds at an older version, based on the server's version", () => {
    expect(summary(plan([rec("missing", 3, "m"), rec("older", 4, "o"), rec("same", 2, "s")], [rec("older", 2, "o0"), rec("same", 2, "s")]))).toEqual({
      edits: [["missing", "create", 0, "m", true], ["older", "update", 2, "o", true]],
      superseded: [],
    });
  });

  it("same version with other content: based on the version before, so the type's policy decides", () => {
    expect(summary(plan([rec("x", 3, "mine")], [rec("x", 3, "theirs")])).edits).toEqual([["x", "update", 2, "mine", true]]);
  });

  it("an older server version written after the device's copy (on the restored state): the policy decides", () => {
    const later = { ...rec("x", 2, "theirs"), updated_at: "2026-12-02T00:00:00.000Z" };
    expect(summary(plan([rec("x", 4, "mine")], [later])).edits).toEqual([["x", "update", 1, "mine", true]]);
  });

  it("the same content at another version is already back: nothing", () => {
    expect(summary(plan([rec("x", 4, "same")], [rec("x", 5, "same"), rec("y", 2, "y")]))).toEqual({ edits: [], superseded: [] });
  });

  it("a newer server version supersedes the device's copy: reported, not pushed", () => {
    expect(summary(plan([rec("x", 2, "mine"), rec("d", 2, "", true)], [rec("x", 5, "theirs"), rec("d", 3, "back")]))).toEqual({
      edits: [], superseded: ["x", "d"],
    });
  });

  it("a delete the server lost is pushed again; a delete the server also has (or a record it no longer has) is left", () => {
    const kept = [rec("lost", 3, "", true), rec("both", 3, "", true), rec("gone", 3, "", true)];
    expect(summary(plan(kept, [rec("lost", 2, "alive"), rec("both", 3, "", true)])).edits).toEqual([["lost", "delete", 2, null, true]]);
  });

  it("a record live on the device over an older server tombstone (pulled, not bootstrapped) is created over it, naming its version", () => {
    expect(summary(plan([rec("x", 4, "mine")], [rec("x", 2, "", true)])).edits).toEqual([["x", "create", 2, "mine", true]]);
  });

  it("skips every record with an edit in the outbox: that edit carries it", () => {
    expect(summary(plan([rec("x", 4, "mine")], [], ["x"]))).toEqual({ edits: [], superseded: [] });
  });
});
