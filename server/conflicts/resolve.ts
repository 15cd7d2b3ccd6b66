// Resolving a stored conflict: the one function behind the device route and the console. In one
// bundle transaction (server/sync/commit-bundle.ts):
//   1. Find the open conflict within the actor's scope (anything else is 404, never 403). When the
//      caller names the record version it decided on (`expectedVersion`, the console always does)
//      and the record has moved on since, refuse with 409 and write nothing: no lost update.
//   2. accept_server keeps the record; accept_client re-applies the client's action; manual_merge
//      writes the given data, validated against the type's schema.
//   3. A changed record is written as a change with a `conflict` hint, so devices learn on pull.
//   4. The conflict is closed and an audit entry (record before/after) appended.
import { z } from "zod";
import { appendAuditIn, type AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import { AppError, invalidFields } from "../errors";
import { recordConflictResolved } from "../metrics/registry";
import { commitBundle } from "../sync/commit-bundle";
import { ItemError } from "../sync/item-error";
import { commitRecordChange, toWireRecord, type RecordData } from "../sync/records";
import { checkGuards, guardFieldError } from "../types/guards";
import { getResourceType } from "../types/registry";
import type { TRecord, TResolveRequest } from "@syncdesk/protocol";
import { checkUniqueFields } from "../sync/unique";
import { closeConflictRow, findConflictStream, getConflictRow } from "./conflict-rows";
import { toWireConflict, type TConflict } from "./wire";

/** Which conflicts an actor may see: a device its streams, staff everything. */
export type ConflictScope = { streams: string[] } | "all";

export type Resolution = { conflict: TConflict; record: TRecord | null };

export type ResolveOptions = { expectedVersion?: number };

const ZUuid = z.uuid();

export async function resolveConflict(
  db: Db,
  actor: AuditActor,
  scope: ConflictScope,
  conflictId: string,
  request: TResolveRequest,
  options: ResolveOptions = {},
): Promise<Resolution> {
  const notFound = new AppError("not_found", "No such conflict");
  if (!ZUuid.safeParse(conflictId).success) throw notFound;
  const resolution = await commitBundle(db, "resolve", async (tx) => {
    // 1.
    const stream = await findConflictStream(tx.sql, conflictId, scope === "all" ? null : scope.streams);
    if (!stream) throw notFound;
    // Lock the stream first (as every writer does), then re-read the conflict under the lock.
    const bundle = await tx.open([stream], { batchId: null, source: { kind: actor.type === "device" ? "device" : "staff", id: actor.id } });
    const conflict = await getConflictRow(tx.sql, conflictId);
    if (!conflict) throw notFound;
    if (conflict.status !== "open") {
      throw new AppError("conflict", "This conflict is already resolved", { resolution: conflict.resolution });
    }
    const key = { stream: conflict.stream, type: conflict.type, id: conflict.recordId };
    const type = getResourceType(key.type);
    if (!type) throw new AppError("invalid_request", `Type ${key.type} is no longer configured`);
    let record = await bundle.readRecord(key);
    const before = record ? { version: record.version, data: record.data, deleted: record.deleted } : null;
    if (options.expectedVersion !== undefined && (record?.version ?? 0) !== options.expectedVersion) {
      throw new AppError("conflict", "The record changed since you loaded it; review the new value and resolve again", {
        current_version: record?.version ?? 0,
        current_data: record && !record.deleted ? record.data : null,
        current_deleted: record?.deleted ?? false,
      });
    }
    // 2. and 3.
    let resolvedData: RecordData | null = record && !record.deleted ? record.data : null;
    if (request.resolution !== "accept_server") {
      const deleting = request.resolution === "accept_client" && conflict.clientAction === "delete";
      const raw = request.resolution === "manual_merge" ? request.data : (conflict.clientData as RecordData | null);
      const parsed = deleting ? null : type.validate(raw ?? {});
      if (parsed && !parsed.ok) throw invalidFields(parsed.issues.map((i) => ({ ...i, field: `data.${i.field}` })));
      resolvedData = parsed ? parsed.data : null;
      const live = record && !record.deleted ? record.data : null;
      // A device resolving its own conflict is held to what a device may write (server-only fields).
      const writer = actor.type === "device" ? "device" : "staff";
      const broken = checkGuards({ rules: type.fields, before: live, after: resolvedData, writer });
      if (broken) throw invalidFields([guardFieldError(broken, "data.")], broken.message);
      try {
        if (resolvedData) await checkUniqueFields(tx.sql, type, key, resolvedData, bundle);
      } catch (error) {
        if (error instanceof ItemError) throw new AppError("invalid_request", error.message);
        throw error;
      }
      record = commitRecordChange(bundle, key, record, {
        op: deleting ? "delete" : "upsert",
        data: resolvedData,
        updatedAt: new Date(),
        hint: { conflict_id: conflict.id, fields: conflict.fields, reason: request.resolution },
      });
    }
    // 4.
    const closed = await closeConflictRow(tx.sql, conflict.id, {
      resolution: request.resolution, resolvedData, resolvedBy: `${actor.type}:${actor.id}`,
    });
    await appendAuditIn(tx.sql, {
      actor,
      action: "conflict.resolve",
      target: { type: "conflict", id: conflict.id },
      details: {
        resolution: request.resolution,
        record: key,
        record_version: record?.version ?? null,
        before,
        after: record ? { version: record.version, data: record.data, deleted: record.deleted } : null,
      },
    });
    return { conflict: toWireConflict(closed), record: record ? toWireRecord(record) : null };
  });
  recordConflictResolved(request.resolution);
  return resolution;
}
