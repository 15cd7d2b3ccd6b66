// Bootstrap (PROTOCOL.md "Bootstrap"): a consistent snapshot in keyset pages, bounded memory.
//   1. The first call freezes the snapshot point H: each stream's head seq, carried in a signed
//      cursor with the type filter, the last key sent and each head's history fingerprint (a
//      snapshot begun before a restore or failover is refused, 412 history_diverged, like a
//      token). H is recorded as a hold that keeps compaction from passing it until the cursor
//      expires (server/compaction/holds.ts).
//   2. A page holds the live records not changed since H (last_seq <= H), in (stream, type, id)
//      order: each is exactly its state at H.
//   3. Records changed after H are left out: pulling from the last page's token (position H)
//      delivers every one of their later changes, so pages + pull equal the server's state.
import { holdBootstrapSnapshot } from "../compaction/holds";
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { sqlOf } from "../db/sql";
import { env } from "../env";
import { AppError } from "../errors";
import { checkPosition } from "./pull";
import { getResourceType, typeVersions } from "../types/registry";
import type { TBootstrapRequest, TBootstrapResponse } from "@syncdesk/protocol";
import { toBootstrapResponse, type BootstrapPage } from "./bootstrap-json";
import { readSnapshotPage } from "./snapshot-read";
import { openBootstrapCursor, signBootstrapCursor, signPullToken, type BootstrapCursor } from "./tokens";

async function startCursor(db: Db, device: DeviceContext, types: string[] | undefined): Promise<BootstrapCursor> {
  const unknown = (types ?? []).filter((t) => !getResourceType(t));
  if (unknown.length > 0) {
    throw new AppError("invalid_request", "Unknown types", { fields: unknown.map((t) => ({ field: "types", message: `unknown type ${t}` })) });
  }
  const rows = await sqlOf(db)<{ name: string; head_seq: bigint | string; head_hash: string | null }>(
    "SELECT name, head_seq, head_hash FROM streams WHERE name = ANY($1::text[])", [device.streams]);
  const heads = new Map(rows.map((r) => [r.name, Number(r.head_seq)]));
  const fp = Object.fromEntries(rows.flatMap((r) => (r.head_hash ? [[r.name, r.head_hash]] : [])));
  const filter = types ? [...new Set(types)].sort() : null;
  const h = Object.fromEntries(device.streams.map((s) => [s, heads.get(s) ?? 0]));
  const exp = Math.floor(Date.now() / 1000) + env().SYNC_BOOTSTRAP_CURSOR_TTL_SECONDS;
  await holdBootstrapSnapshot(db, device.deviceRef, h, new Date(exp * 1000));
  return { k: "boot", u: device.userId, d: device.deviceId, h, fp, f: filter, t: typeVersions(filter), after: null, exp };
}

/** The page as read, for the route to write as text (bootstrapPageJson). */
export async function readBootstrapPage(db: Db, device: DeviceContext, request: TBootstrapRequest): Promise<BootstrapPage> {
  const secret = env().syncTokenSecret;
  const owner = { userId: device.userId, deviceId: device.deviceId };
  const cursor = request.cursor
    ? openBootstrapCursor(secret, request.cursor, owner)
    : await startCursor(db, device, request.types);
  // Streams granted after the snapshot began are not in it: the pull from the token picks them up.
  const streams = Object.keys(cursor.h).filter((s) => device.streams.includes(s));
  await checkPosition(db, cursor, new Map(streams.map((s) => [s, cursor.h[s] ?? 0])));
  const { items, last, more } = await readSnapshotPage(db, cursor, streams, request.limit);
  const serverTime = new Date().toISOString();
  if (more && last) {
    const next = signBootstrapCursor(secret, { ...cursor, after: last });
    return { items, cursor: next, more: true, token: null, server_time: serverTime };
  }
  const token = signPullToken(secret, {
    u: cursor.u,
    d: cursor.d,
    s: Object.fromEntries(streams.map((s) => [s, cursor.h[s] ?? 0])),
    fp: Object.fromEntries(Object.entries(cursor.fp ?? {}).filter(([s]) => streams.includes(s))),
    f: cursor.f,
    t: cursor.t,
    exp: Math.floor(Date.now() / 1000) + env().SYNC_TOKEN_TTL_SECONDS,
  });
  return { items, cursor: null, more: false, token, server_time: serverTime };
}

/** The page as objects, for in-process callers (tests, scripts). */
export async function bootstrapPage(db: Db, device: DeviceContext, request: TBootstrapRequest): Promise<TBootstrapResponse> {
  return toBootstrapResponse(await readBootstrapPage(db, device, request));
}
