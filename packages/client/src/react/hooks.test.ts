// @vitest-environment jsdom
// The hooks as a component sees them (jsdom, @testing-library/react): each renders the client's
// local state and follows its events, against a fake server (test/fake-server.ts).
import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeServer } from "../../test/fake-server";
import { SyncClient } from "../client";
import { MemoryStorage } from "../storage/memory";
import { useConflicts, useRecord, useRecords, useSyncStatus } from "./index";

type Visit = { site: string; score: number; note?: string };
type Types = { visit: Visit };

function setUp() {
  const server = fakeServer();
  const client = new SyncClient<Types>({
    url: "http://sync.test", token: "jwt", stream: "user:u1", storage: new MemoryStorage(), fetch: server.fetch,
    retry: { attempts: 1 }, sleep: async () => {},
  });
  return { server, client };
}

describe("useRecords", () => {
  it("shows a local create at once as pending, then the server's records and id after a sync", async () => {
    const { client } = setUp();
    const { result } = renderHook(() => useRecords(client, "visit"));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.records).toEqual([]);

    await act(() => client.create("visit", { site: "Harbour", score: 4 }));
    await waitFor(() => expect(result.current.records).toHaveLength(1));
    expect(result.current.records[0]).toMatchObject({ data: { site: "Harbour", score: 4 }, pending: true, version: 0 });
    expect(result.current.records[0]?.id).toMatch(/^tmp-/);

    await act(() => client.sync());
    await waitFor(() => expect(result.current.records.every((r) => !r.pending)).toBe(true));
    expect(result.current.records.map((r) => [r.id, r.data.site]).sort()).toEqual([["v-1", "Harbour"], ["v-server", "Depot"]]);
  });
});

describe("useRecord", () => {
  it("follows one record through its temp id's mapping and a delete", async () => {
    const { client } = setUp();
    const key = await client.create("visit", { site: "Mill", score: 2 });
    const { result } = renderHook(() => useRecord(client, "visit", key.id));
    await waitFor(() => expect(result.current.record?.data.site).toBe("Mill"));

    await act(() => client.sync());
    await waitFor(() => expect(result.current.record).toMatchObject({ id: "v-1", pending: false, version: 1 }));

    await act(() => client.update("visit", "v-1", { site: "Mill", score: 5 }));
    await waitFor(() => expect(result.current.record?.data.score).toBe(5));
    await act(() => client.delete("visit", "v-1"));
    await waitFor(() => expect(result.current.record).toBeNull());
  });
});

describe("useSyncStatus", () => {
  it("counts pending edits, shows a running sync, and keeps a failure until the next success", async () => {
    const { server, client } = setUp();
    const { result } = renderHook(() => useSyncStatus(client));
    await act(() => client.create("visit", { site: "Quay", score: 1 }));
    await waitFor(() => expect(result.current.pending).toBe(1));
    expect(result.current).toMatchObject({ syncing: false, lastSyncedAt: null, error: null });

    server.hold();
    let sync: Promise<unknown> = Promise.resolve();
    act(() => {
      sync = client.sync();
    });
    await waitFor(() => expect(result.current.syncing).toBe(true));
    await act(async () => {
      server.open();
      await sync;
    });
    await waitFor(() => expect(result.current).toMatchObject({ syncing: false, pending: 0, error: null }));
    expect(result.current.lastSyncedAt).toBeInstanceOf(Date);

    server.offline = true;
    await act(() => client.create("visit", { site: "Pier", score: 3 }));
    await act(() => client.sync().catch(() => undefined));
    await waitFor(() => expect(result.current.error).toMatchObject({ code: "network" }));
    expect(result.current).toMatchObject({ syncing: false, pending: 1 });

    server.offline = false;
    await act(() => client.sync());
    await waitFor(() => expect(result.current).toMatchObject({ error: null, pending: 0 }));
  });
});

describe("useConflicts", () => {
  it("lists an edit the server rejected, and drops it once resolved", async () => {
    const { client } = setUp();
    const { result } = renderHook(() => useConflicts(client));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.conflicts).toEqual([]);

    await act(async () => {
      await client.create("visit", { site: "Weir", score: -1 });
      await client.sync();
    });
    await waitFor(() => expect(result.current.conflicts).toHaveLength(1));
    const [conflict] = result.current.conflicts;
    expect(conflict).toMatchObject({ kind: "rejected", key: { type: "visit" }, error: { code: "invalid_data" } });

    await act(() => client.resolveConflict(conflict?.id ?? "", { keep: "server" }));
    await waitFor(() => expect(result.current.conflicts).toEqual([]));
  });
});
