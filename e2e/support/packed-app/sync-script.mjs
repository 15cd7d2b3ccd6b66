// Run by e2e/api/client-package.spec.ts inside a project that installed only the packed
// @syncdesk/client (and zod, typescript): two devices of one user bootstrap, push, pull, and one
// resolves a stored conflict, against the server at SYNCDESK_URL. Prints one JSON summary line.
import { MemoryStorage, SyncClient } from "@syncdesk/client";

const { SYNCDESK_URL: url, SYNCDESK_JWT: token, CODE: code } = process.env;
if (!url || !token || !code) throw new Error("SYNCDESK_URL, SYNCDESK_JWT and CODE are required");
const open = (name) => new SyncClient({ url, token, storage: new MemoryStorage(), deviceId: `${code}-${name}`, platform: "node" });
const phone = open("phone");
const tablet = open("tablet");

// 1. Bootstrap, and push a memo created offline (a temp id the server maps).
const memo = await phone.create("memo", { content: "Buy milk", tags: ["home"], pinned: false });
const first = await phone.sync();
const memoId = await phone.resolveId(memo.id);

// 2. The other device bootstraps and pulls it.
const tabletFirst = await tablet.sync();
const pulledMemo = await tablet.get("memo", memoId);

// 3. A conflict: `meter` is decided by a person (policy manual). Both devices edit version 1.
const meter = await phone.create("meter", { code, reading: 1, unit: "kWh" });
await phone.sync();
const meterId = await phone.resolveId(meter.id);
await tablet.sync();
await phone.update("meter", meterId, { code, reading: 2, unit: "kWh" });
await phone.sync();
await tablet.update("meter", meterId, { code, reading: 3, unit: "kWh" });
await tablet.sync();
const conflicts = await tablet.conflicts();

// 4. The tablet keeps its reading; the phone pulls the resolution.
for (const conflict of conflicts) await tablet.resolveConflict(conflict.id, { keep: "local" });
await tablet.sync();
await phone.sync();
const resolved = await phone.get("meter", meterId);

console.log(JSON.stringify({
  first,
  tabletFirst,
  memoTempId: memo.id,
  memoId,
  pulledMemo: pulledMemo?.data ?? null,
  conflicts: conflicts.map((c) => ({ kind: c.kind, type: c.key.type, local: c.local_data })),
  conflictsAfter: (await tablet.conflicts()).length,
  resolved: resolved?.data ?? null,
  pending: (await phone.pendingCount()) + (await tablet.pendingCount()),
}));
