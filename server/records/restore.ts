// "Restore this version" and "Undelete": an operator writes an old value back as the record's next
// version. One change-log write through the engine (server/sync/commit-bundle.ts), with its audit
// entry in the same transaction; devices pull it with a `conflict` hint saying staff restored it.
//   1. Lock the stream, read the record; refuse (409, nothing written) when it moved on since the
//      operator loaded it (`expectedVersion`).
//   2. The data to write: that version's from the change log (404 once compacted away), or, for an
//      undelete, the data the tombstone kept. It must still pass the type's schema and unique fields.
//   3. Commit it as the next version; audit who, why, before and after.
import { appendAuditIn } from "../audit/append";
import type { Db } from "../db/client";
import { AppError, invalidFields } from "../errors";
import type { StaffIdentity } from "../staff/accounts";
import { commitBundle } from "../sync/commit-bundle";
import { ItemError } from "../sync/item-error";
import { differingFields } from "../sync/policies";
import { commitRecordChange, findDataAtVersion, type RecordKey, type RecordRow } from "../sync/records";
import { checkGuards, guardFieldError } from "../types/guards";
import { getResourceType } from "../types/registry";
import { checkUniqueFields } from "../sync/unique";
import { recordTargetId } from "./audit-target";

export type RestoreRequest = {
  /** The version to restore; absent: undelete (bring back the data the record had when deleted). */
  version?: number;
  /** The version the operator looked at: a record that moved on since is not overwritten. */
  expectedVersion: number;
  reason: string;
};

const snapshot = (r: RecordRow) => ({ version: r.version, data: r.data, deleted: r.deleted });

export async function restoreRecord(db: Db, staff: StaffIdentity, key: RecordKey, request: RestoreRequest): Promise<RecordRow> {
  return commitBundle(db, "restore", async (tx) => {
    // 1.
    const bundle = await tx.open([key.stream], { batchId: null, source: { kind: "staff", id: staff.id } });
    const record = await bundle.readRecord(key);
    if (!record) throw new AppError("not_found", "No such record");
    if (record.version !== request.expectedVersion) {
      throw new AppError("conflict", "The record changed since you loaded it; look at its new version first", { current_version: record.version });
    }
    // 2.
    const undelete = request.version === undefined;
    if (undelete && !record.deleted) throw new AppError("invalid_request", "The record is not deleted");
    if (!undelete && request.version === record.version && !record.deleted) throw new AppError("invalid_request", "That is the current version");
    const raw = undelete ? record.data : await findDataAtVersion(tx.sql, key, request.version ?? 0);
    if (!raw) throw new AppError("not_found", `Version ${request.version} is not in the change log (it was a delete, or compaction removed it)`);
    const type = getResourceType(key.type);
    if (!type) throw new AppError("invalid_request", `Type ${key.type} is no longer configured`);
    const parsed = type.validate(raw);
    if (!parsed.ok) throw invalidFields(parsed.issues, "That version no longer fits the type's schema");
    const broken = checkGuards({ rules: type.fields, before: record.deleted ? null : record.data, after: parsed.data, writer: "staff" });
    if (broken) throw invalidFields([guardFieldError(broken)], `That version cannot be restored: ${broken.message}`);
    try {
      await checkUniqueFields(tx.sql, type, key, parsed.data, bundle);
    } catch (error) {
      throw error instanceof ItemError ? new AppError("conflict", error.message) : error;
    }
    // 3.
    const restoredVersion = undelete ? null : (request.version ?? null);
    const written = commitRecordChange(bundle, key, record, {
      op: "upsert",
      data: parsed.data,
      updatedAt: new Date(),
      hint: {
        reason: "staff_restore",
        fields: differingFields(record.deleted ? null : record.data, parsed.data),
        ...(restoredVersion !== null ? { restored_version: restoredVersion } : {}),
      },
    });
    await appendAuditIn(tx.sql, {
      actor: { type: "staff", id: staff.id },
      action: undelete ? "record.undelete" : "record.restore",
      target: { type: "record", id: recordTargetId(key) },
      details: { record: key, reason: request.reason, restored_version: restoredVersion, record_version: written.version, before: snapshot(record), after: snapshot(written) },
    });
    return written;
  });
}
