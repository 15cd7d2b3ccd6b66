// Checking a manual merge before it is saved: the same schema and unique-field rules the
// resolution applies, reported per field so the console can show them next to the editor.
import { z } from "zod";
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import { ItemError } from "../sync/item-error";
import { getResourceType } from "../types/registry";
import { checkUniqueFields } from "../sync/unique";

export type FieldError = { field: string; message: string };
export type MergeCheck = { ok: boolean; fields: FieldError[] };


export async function validateMergeData(db: Db, conflictId: string, data: Record<string, unknown>): Promise<MergeCheck> {
  const conflict = z.uuid().safeParse(conflictId).success
    ? await db.conflict.findUnique({ where: { id: conflictId }, select: { stream: true, type: true, recordId: true } })
    : null;
  if (!conflict) throw new AppError("not_found", "No such conflict");
  const type = getResourceType(conflict.type);
  if (!type) return { ok: false, fields: [{ field: "(data)", message: `Type ${conflict.type} is no longer configured` }] };
  const parsed = type.validate(data);
  if (!parsed.ok) return { ok: false, fields: parsed.issues.map((f) => (f.field === "data" ? { ...f, field: "(data)" } : f)) };
  // One field at a time, so every clashing field is named.
  const key = { stream: conflict.stream, type: conflict.type, id: conflict.recordId };
  const clashes: FieldError[] = [];
  for (const field of type.uniqueFields) {
    try {
      await checkUniqueFields(sqlOf(db), { ...type, uniqueFields: [field] }, key, parsed.data);
    } catch (error) {
      if (!(error instanceof ItemError)) throw error;
      clashes.push({ field, message: error.message });
    }
  }
  return { ok: clashes.length === 0, fields: clashes };
}
