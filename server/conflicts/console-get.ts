// One conflict as the console shows it: the stored sides, the record as it is NOW, a per-field
// comparison, whether the record moved on since the conflict opened, and who resolved it.
import { z } from "zod";
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import { findRecord, type RecordData } from "../sync/records";
import { getResourceType } from "../types/registry";
import { compareFields, type FieldComparison } from "./compare-fields";
import { toWireConflict, type TConflict } from "./wire";

export type CurrentRecord = { version: number; data: RecordData | null; deleted: boolean; updatedAt: Date };

export type Resolver = { type: "staff" | "device" | "system"; id: string; label: string };

export type ConsoleConflict = {
  conflict: TConflict;
  userId: string;
  device: { ref: string; deviceId: string } | null;
  /** The record now (null if it no longer exists, e.g. purged by compaction). */
  current: CurrentRecord | null;
  /** True while open when the record's version is no longer the one the conflict was opened against. */
  changedSinceOpened: boolean;
  comparison: FieldComparison[];
  typeConfigured: boolean;
  resolver: Resolver | null;
};

const ZUuid = z.uuid();

/** "staff:<id>" -> the staff member's email; "device:<user>/<device>" as is. */
async function describeResolver(db: Db, resolvedBy: string | null): Promise<Resolver | null> {
  if (!resolvedBy) return null;
  const [kind, ...rest] = resolvedBy.split(":");
  const id = rest.join(":");
  if (kind === "staff") {
    const staff = ZUuid.safeParse(id).success
      ? await db.staffUser.findUnique({ where: { id }, select: { email: true } })
      : null;
    return { type: "staff", id, label: staff?.email ?? id };
  }
  return { type: kind === "device" ? "device" : "system", id, label: id };
}

export async function getConflictForConsole(db: Db, conflictId: string): Promise<ConsoleConflict> {
  const row = ZUuid.safeParse(conflictId).success
    ? await db.conflict.findUnique({ where: { id: conflictId } })
    : null;
  if (!row) throw new AppError("not_found", "No such conflict");
  const record = await findRecord(sqlOf(db), { stream: row.stream, type: row.type, id: row.recordId });
  const current = record
    ? { version: record.version, data: record.deleted ? null : record.data, deleted: record.deleted, updatedAt: record.updatedAt }
    : null;
  const changedSinceOpened = row.status === "open" && (current?.version ?? 0) !== row.serverVersion;
  const conflict = toWireConflict(row);
  const device = row.deviceRef
    ? await db.device.findUnique({ where: { id: row.deviceRef }, select: { id: true, deviceId: true } })
    : null;
  return {
    conflict,
    userId: row.userId,
    device: device ? { ref: device.id, deviceId: device.deviceId } : null,
    current,
    changedSinceOpened,
    comparison: compareFields({
      base: conflict.base_data,
      server: conflict.server_data,
      client: conflict.client_data,
      ...(changedSinceOpened ? { current: current?.data ?? null } : {}),
      conflictFields: conflict.fields,
    }),
    typeConfigured: getResourceType(row.type) !== undefined,
    resolver: await describeResolver(db, row.resolvedBy),
  };
}
