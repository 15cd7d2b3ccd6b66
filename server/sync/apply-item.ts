// One push item, applied inside the push transaction. Mirrors PROTOCOL.md "Push":
//   1. resolve the type, the stream and the record id (temp ids of earlier items map here);
//   2. validate the data against the type's schema and size limit;
//   3. apply directly when the base version is current;
//   4. otherwise decide by the type's conflict policy, and store a conflict when a person must.
import { randomUUID } from "node:crypto";
import type { Sql } from "../db/sql";
import type { DeviceContext } from "../devices/register";
import type { Bundle } from "./bundle";
import { jsonEqual, type DataTexts } from "./canonical";
import { decideConflict, differingFields } from "./policies";
import {
  commitRecordChange, findDataAtVersion,
  type RecordData, type RecordKey, type RecordRow,
} from "./records";
import { ItemError } from "./item-error";
import { getResourceType } from "../types/registry";
import type { ResourceType } from "../types/resource-type";
import { checkWriteGuards, validData } from "./item-data";
import type { TItemConflict, TPushItem } from "@syncdesk/protocol";
import { checkUniqueFields } from "./unique";
import { checkMediaFields } from "./media-check";
import { storeConflict } from "./store-conflict";
import { capturedTable } from "../capture/install";
import { tableItemProblem } from "../capture/write-table";
import { writeTableItem } from "../capture/write-item";
import { sourceOfCaller } from "../feed/source";

export type ItemContext = {
  /** The bundle's transaction (commit-bundle.ts). */
  sql: Sql;
  device: DeviceContext;
  bundle: Bundle;
  batchId: string;
  now: Date;
  /** client_temp_id -> server id, for items later in the same bundle. */
  tempIds: Map<string, string>;
  storeConflicts: boolean;
  /** Who writes, for the field guards: a device's push, an operator's replay of one, or the team's backend. */
  writer: "device" | "replay" | "server";
  /** Canonical texts of this run's data objects (canonical.ts). */
  texts: DataTexts;
};

export type ItemOutcome =
  | { status: "ok"; id: string; version: number; conflict?: TItemConflict }
  | { status: "conflict"; id: string; version: number; conflict: TItemConflict; key: RecordKey }
  | { status: "error"; id: string | null; code: ItemError["code"]; message: string; fields?: ItemError["fields"] };

/** The stream an item writes to: its own `stream` (when granted) or the caller's user stream. */
export function itemStream(device: DeviceContext, item: TPushItem): string {
  const stream = item.stream ?? `user:${device.userId}`;
  if (!device.streams.includes(stream)) throw new ItemError("forbidden", `Stream ${stream} is not granted to this token`);
  return stream;
}

/** A client timestamp, never later than the server's clock (a fast clock must not win forever). */
function editTime(ctx: ItemContext, item: TPushItem): Date {
  if (!item.updated_at) return ctx.now;
  const at = new Date(item.updated_at);
  return at.getTime() > ctx.now.getTime() ? ctx.now : at;
}

export async function applyItem(ctx: ItemContext, item: TPushItem, index: number): Promise<ItemOutcome> {
  const type = getResourceType(item.type);
  if (!type) throw new ItemError("unknown_type", `Unknown type ${item.type}`);
  const stream = itemStream(ctx.device, item);
  if (item.action !== "create" && !item.id) throw new ItemError("invalid_request", `id is required for ${item.action}`);
  const id = (item.id && ctx.tempIds.get(item.id)) ?? item.id ?? randomUUID();
  if (item.action === "create" && item.client_temp_id) ctx.tempIds.set(item.client_temp_id, id);
  const key = { stream, type: type.name, id };
  // A server-assigned id is a fresh UUID: nothing to read. A record the bundle already knows (the
  // prefetch read every named one) is taken without an await: each promise of the ~100 items of a
  // push costs memory (Next's AsyncLocalStorage tracks every one), and so does each step below
  // that has nothing to do for the item's type.
  const known = item.id ? ctx.bundle.knownRecord(key) : null;
  const existing = known !== undefined ? known : await ctx.bundle.readRecord(key);
  if (capturedTable(key.type)) {
    // A server-assigned id is fresh: no other stream's row can hold it.
    const tableProblem = await tableItemProblem(ctx.sql, key, existing === null && item.id !== undefined);
    if (tableProblem) throw new ItemError("forbidden", tableProblem);
  }
  const data = validData(type, item, existing && !existing.deleted ? existing.data : null, ctx.writer, ctx.texts);
  if (data && type.mediaFields?.length) await checkMediaFields(ctx.sql, type, data, ctx.device.userId, stream);

  if (!existing) {
    if (item.action !== "create") throw new ItemError("not_found", `No ${type.name} ${id}`);
    return write(ctx, type, key, null, item, data);
  }
  if (item.action === "create" && !existing.deleted && jsonEqual(existing.data, data)) {
    return { status: "ok", id, version: existing.version }; // a repeated create: already there
  }
  if (item.action === "delete" && existing.deleted) return { status: "ok", id, version: existing.version };
  const base = item.action === "create" ? (item.base_version ?? 0) : (item.base_version ?? existing.version);
  if (base > existing.version) {
    throw new ItemError("invalid_request", `base_version ${base} is ahead of the server's version ${existing.version}`);
  }
  if (base === existing.version && !existing.deleted) return write(ctx, type, key, existing, item, data);
  return resolveConflict(ctx, type, key, existing, item, data, base, index);
}

async function write(
  ctx: ItemContext, type: ResourceType, key: RecordKey, existing: RecordRow | null,
  item: TPushItem, data: RecordData | null, conflict?: TItemConflict,
): Promise<ItemOutcome> {
  // The guards hold between committed values, whatever the policy or the rules merged.
  const before = existing && !existing.deleted ? existing.data : null;
  checkWriteGuards(type, before, data, ctx.writer);
  if (data && type.uniqueFields?.length) await checkUniqueFields(ctx.sql, type, key, data, ctx.bundle);
  const hint = conflict && { fields: conflict.fields, reason: conflict.resolution ?? "client_wins" };
  // A table-backed type's row first: the team's table may refuse it (capture/write-item.ts).
  if (capturedTable(key.type)) {
    await writeTableItem(ctx.sql, ctx.bundle, { ...key, data: data ?? {}, deleted: item.action === "delete" }, sourceOfCaller(ctx.device));
  }
  const row = commitRecordChange(ctx.bundle, key, existing, {
    op: item.action === "delete" ? "delete" : "upsert",
    data,
    canonical: data ? ctx.texts.get(data) : undefined,
    updatedAt: editTime(ctx, item),
    hint,
  });
  return { status: "ok", id: key.id, version: row.version, conflict };
}

async function resolveConflict(
  ctx: ItemContext, type: ResourceType, key: RecordKey, existing: RecordRow,
  item: TPushItem, client: RecordData | null, base: number, index: number,
): Promise<ItemOutcome> {
  const server = existing.deleted ? null : existing.data;
  const baseData = base > 0 ? await findDataAtVersion(ctx.sql, key, base) : null;
  const decision = decideConflict({
    policy: type.policy,
    rules: type.fields,
    client,
    server,
    base: baseData,
    clientUpdatedAt: item.updated_at ? editTime(ctx, item) : null,
    serverUpdatedAt: existing.updatedAt,
    clientVersion: item.client_version ?? null,
    serverVersion: existing.version,
  });
  const conflict: TItemConflict = {
    policy: type.policy,
    fields: decision.outcome === "store" ? decision.fields : differingFields(server, client),
    base_version: base,
    server_version: existing.version,
    server_data: server,
    client_data: client,
    deleted: existing.deleted,
  };
  switch (decision.outcome) {
    case "client_wins":
      return write(ctx, type, key, existing, item, client, { ...conflict, resolution: "client_wins" });
    case "merged": {
      const merged = type.validate(decision.data);
      if (merged.ok) {
        return write(ctx, type, key, existing, item, merged.data, { ...conflict, resolution: "merged" });
      }
      break; // a merge that breaks the schema is for a person to decide
    }
    case "server_wins":
      return { status: "conflict", id: key.id, version: existing.version, conflict: { ...conflict, resolution: "server_wins" }, key };
    case "store":
      break;
  }
  if (ctx.storeConflicts) {
    conflict.conflict_id = await storeConflict(ctx.sql, {
      ...key,
      userId: ctx.device.userId,
      deviceRef: ctx.device.deviceRef,
      batchId: ctx.batchId,
      itemIndex: index,
      policy: type.policy,
      fields: conflict.fields,
      baseVersion: base,
      serverVersion: existing.version,
      baseData,
      serverData: server,
      clientData: client,
      clientAction: item.action,
      serverDeleted: existing.deleted,
    });
  }
  return { status: "conflict", id: key.id, version: existing.version, conflict, key };
}
