// The SyncStorage contract, one suite for every implementation: what the client relies on when it
// reads, writes atomically, runs calls concurrently, and (for files) reopens after a restart.
import { describe, expect, it } from "vitest";
import type { StorageWrite, SyncStorage } from "@syncdesk/client";
import type { LocalConflict, LocalRecord, OutboxEntry } from "@syncdesk/client";

export type StorageFactory = {
  /** A fresh, empty storage. */
  create(): Promise<{ storage: SyncStorage; reopen?: () => Promise<SyncStorage> }>;
  /** Column constraints exist (SQL): a bad row fails the write in the middle of its transaction. */
  constrained: boolean;
};

const record = (id: string, over: Partial<LocalRecord> = {}): LocalRecord => ({
  stream: "user:u", type: "memo", id, version: 1, data: { content: id, tags: ["a", "é"], nested: { n: 1.5, ok: true } },
  deleted: false, updated_at: "2026-01-01T00:00:00.000Z", ...over,
});
const entry = (seq: number, over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  seq, key: { stream: "user:u", type: "memo", id: `r${seq}` }, action: "update", data: { content: `e${seq}` },
  temp_id: null, client_version: null, updated_at: "2026-01-01T00:00:00.000Z", base_version: 1, bundle_id: null, ...over,
});
const conflict = (id: string): LocalConflict => ({
  id, kind: "rejected", key: { stream: "user:u", type: "memo", id: "x" }, action: "update", local_data: { content: "mine" },
  detail: null, error: { code: "invalid_data", message: "bad" }, created_at: "2026-01-01T00:00:00.000Z",
});

async function fill(storage: SyncStorage): Promise<StorageWrite> {
  const change: StorageWrite = {
    records: [record("a"), record("b", { type: "noot" }), record("c", { stream: "org:o", deleted: true, data: {} })],
    outboxPut: [entry(7), entry(3, { action: "create", temp_id: "tmp-1" }), entry(5, { bundle_id: 2 })],
    conflictsPut: [conflict("k1"), conflict("k2")],
    meta: { device_id: "dev", next_bundle_id: 3, inflight: { bundle_id: 2, body: "{\"x\":1}", seqs: [5] } },
  };
  await storage.write(change);
  return change;
}

export function storageContract(name: string, factory: StorageFactory): void {
  describe(`SyncStorage contract: ${name}`, () => {
    it("starts empty", async () => {
      const { storage } = await factory.create();
      expect(await storage.getMeta()).toEqual({});
      expect(await storage.listRecords({})).toEqual([]);
      expect(await storage.listOutbox()).toEqual([]);
      expect(await storage.listConflicts()).toEqual([]);
      expect(await storage.getRecord({ stream: "user:u", type: "memo", id: "a" })).toBeNull();
      await storage.close();
    });

    it("reads back what it wrote: records by key and filter, the outbox in seq order, conflicts, meta", async () => {
      const { storage } = await factory.create();
      await fill(storage);
      expect(await storage.getRecord({ stream: "user:u", type: "memo", id: "a" })).toEqual(record("a"));
      expect(await storage.getRecord({ stream: "org:o", type: "memo", id: "c" })).toEqual(record("c", { stream: "org:o", deleted: true, data: {} }));
      expect((await storage.listRecords({ type: "memo" })).map((r) => r.id).sort()).toEqual(["a", "c"]);
      expect((await storage.listRecords({ stream: "user:u" })).map((r) => r.id).sort()).toEqual(["a", "b"]);
      expect((await storage.listRecords({ type: "memo", stream: "org:o" })).map((r) => r.id)).toEqual(["c"]);
      expect((await storage.listOutbox()).map((e) => e.seq)).toEqual([3, 5, 7]);
      expect((await storage.listOutbox())[0]).toEqual(entry(3, { action: "create", temp_id: "tmp-1" }));
      expect((await storage.listConflicts()).map((c) => c.id).sort()).toEqual(["k1", "k2"]);
      expect(await storage.getMeta()).toEqual({ device_id: "dev", next_bundle_id: 3, inflight: { bundle_id: 2, body: "{\"x\":1}", seqs: [5] } });
      await storage.close();
    });

    it("replaces and removes; merges meta; clearRecords forgets records only, then writes the new ones", async () => {
      const { storage } = await factory.create();
      await fill(storage);
      await storage.write({ records: [record("a", { version: 2 })], outboxRemove: [3], outboxPut: [entry(5, { bundle_id: null })], conflictsRemove: ["k1"], meta: { next_bundle_id: 4, inflight: null } });
      expect((await storage.getRecord({ stream: "user:u", type: "memo", id: "a" }))?.version).toBe(2);
      expect((await storage.listOutbox()).map((e) => [e.seq, e.bundle_id])).toEqual([[5, null], [7, null]]);
      expect((await storage.listConflicts()).map((c) => c.id)).toEqual(["k2"]);
      expect(await storage.getMeta()).toMatchObject({ device_id: "dev", next_bundle_id: 4, inflight: null });
      await storage.write({ clearRecords: true, records: [record("z")] });
      expect((await storage.listRecords({})).map((r) => r.id)).toEqual(["z"]);
      expect(await storage.listOutbox()).toHaveLength(2);
      expect(await storage.listConflicts()).toHaveLength(1);
      await storage.close();
    });

    it("never hands out an object the caller can use to change what is stored", async () => {
      const { storage } = await factory.create();
      const written = record("a");
      await storage.write({ records: [written] });
      written.version = 99;
      const read = await storage.getRecord({ stream: "user:u", type: "memo", id: "a" });
      if (read) read.version = 98;
      expect((await storage.getRecord({ stream: "user:u", type: "memo", id: "a" }))?.version).toBe(1);
      await storage.close();
    });

    it("keeps every one of many concurrent writes, each whole", async () => {
      const { storage } = await factory.create();
      await Promise.all(Array.from({ length: 20 }, (_, i) => storage.write({ outboxPut: [entry(i + 1)], records: [record(`r${i}`)], meta: { next_bundle_id: i } })));
      const reads = await Promise.all([storage.listOutbox(), storage.listRecords({})]);
      expect(reads[0].map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(reads[1]).toHaveLength(20);
      await storage.close();
    });

    if (factory.constrained) {
      it("applies a write whole or not at all (a row failing half-way rolls back the rest)", async () => {
        const { storage } = await factory.create();
        await fill(storage);
        const broken = { ...record("bad"), updated_at: null } as unknown as LocalRecord; // NOT NULL
        await expect(storage.write({ clearRecords: true, records: [record("new"), broken], outboxRemove: [3, 5, 7], meta: { device_id: "other" } })).rejects.toThrow();
        expect((await storage.listRecords({})).map((r) => r.id).sort()).toEqual(["a", "b", "c"]);
        expect((await storage.listOutbox()).map((e) => e.seq)).toEqual([3, 5, 7]);
        expect((await storage.getMeta()).device_id).toBe("dev");
        // and the storage is usable afterwards
        await storage.write({ outboxRemove: [7] });
        expect((await storage.listOutbox()).map((e) => e.seq)).toEqual([3, 5]);
        await storage.close();
      });
    }

    it("survives a restart: reopened on the same file, the outbox, the bundle in flight and the records are there", async () => {
      const { storage, reopen } = await factory.create();
      if (!reopen) return; // memory storage: nothing outlives it by design
      const change = await fill(storage);
      await storage.close();
      const again = await reopen();
      expect(await again.listOutbox()).toEqual([...(change.outboxPut ?? [])].sort((a, b) => a.seq - b.seq));
      expect(await again.getMeta()).toEqual(change.meta);
      expect(await again.listRecords({})).toHaveLength(3);
      expect(await again.listConflicts()).toHaveLength(2);
      await again.close();
    });
  });
}
