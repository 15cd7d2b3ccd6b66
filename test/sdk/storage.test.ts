// The SyncStorage contract over every storage the SDK ships: memory, better-sqlite3 (Node), and
// AsyncSqliteStorage (React Native) through expo-sqlite's and op-sqlite's shapes. React Native does
// not run here: the async storages run over better-sqlite3 wrapped in those async interfaces
// (test/sdk/sqlite-drivers.ts), so their SQL, transactions and files are real, the native driver not.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AsyncSqliteStorage } from "@syncdesk/client";
import { MemoryStorage } from "@syncdesk/client";
import { fromOpSqlite } from "@syncdesk/client/op-sqlite";
import { SqliteStorage } from "@syncdesk/client/sqlite";
import { expoLike, opSqliteLike } from "./sqlite-drivers";
import { storageContract } from "./storage-contract";

const newFile = () => path.join(mkdtempSync(path.join(tmpdir(), "sdk-storage-")), "sync.db");

storageContract("MemoryStorage", { constrained: false, create: async () => ({ storage: new MemoryStorage() }) });

storageContract("SqliteStorage (better-sqlite3)", {
  constrained: true,
  create: async () => {
    const file = newFile();
    return { storage: new SqliteStorage(file), reopen: async () => new SqliteStorage(file) };
  },
});

storageContract("AsyncSqliteStorage over an expo-sqlite-shaped driver", {
  constrained: true,
  create: async () => {
    const file = newFile();
    const open = () => AsyncSqliteStorage.open(expoLike(file).db);
    return { storage: await open(), reopen: open };
  },
});

storageContract("AsyncSqliteStorage over op-sqlite (fromOpSqlite)", {
  constrained: true,
  create: async () => {
    const file = newFile();
    const open = () => AsyncSqliteStorage.open(fromOpSqlite(opSqliteLike(file).db));
    return { storage: await open(), reopen: open };
  },
});

describe("one SQL for Node and React Native", () => {
  it("a file written by the Node storage is read by the React Native one, and back", async () => {
    const file = newFile();
    const node = new SqliteStorage(file);
    await node.write({ records: [{ stream: "user:u", type: "memo", id: "a", version: 3, data: { content: "x" }, deleted: false, updated_at: "2026-01-01T00:00:00.000Z" }], meta: { device_id: "d1" } });
    await node.close();
    const rn = await AsyncSqliteStorage.open(expoLike(file).db);
    expect(await rn.getRecord({ stream: "user:u", type: "memo", id: "a" })).toMatchObject({ version: 3, data: { content: "x" }, deleted: false });
    await rn.write({ meta: { next_bundle_id: 9 } });
    await rn.close();
    const back = new SqliteStorage(file);
    expect(await back.getMeta()).toEqual({ device_id: "d1", next_bundle_id: 9 });
    await back.close();
  });

  it("does not interleave its calls with an open transaction (expo's transactions are not exclusive)", async () => {
    const { db, raw } = expoLike(newFile());
    const storage = await AsyncSqliteStorage.open(db);
    const seen: boolean[] = [];
    const original = db.getAllAsync.bind(db);
    db.getAllAsync = async <T,>(sql: string, params: (string | number | null)[]) => {
      seen.push(raw.inTransaction);
      return original<T>(sql, params);
    };
    await Promise.all([
      storage.write({ records: Array.from({ length: 30 }, (_, i) => ({ stream: "s", type: "memo", id: `r${i}`, version: 1, data: {}, deleted: false, updated_at: "t" })) }),
      storage.listRecords({}), storage.listOutbox(), storage.getMeta(),
    ]);
    expect(seen).toEqual([false, false, false]);
    await storage.close();
  });
});
