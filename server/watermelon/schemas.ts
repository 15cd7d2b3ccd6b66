// Wire shapes of the WatermelonDB endpoints (WatermelonDB's documented backend contract).
import { z } from "zod";

/** WatermelonDB sends `last_pulled_at=null` on a first sync; otherwise the timestamp we issued. */
const ZLastPulledAt = z
  .union([z.literal(""), z.literal("null"), z.literal("undefined"), z.string().regex(/^\d{1,16}$/).refine((v) => Number(v) <= Number.MAX_SAFE_INTEGER, "too large")])
  .optional()
  .transform((value) => (value && /^\d+$/.test(value) ? Number(value) : 0));

const ZMigration = z
  .object({
    from: z.number().int(),
    tables: z.array(z.string()),
    columns: z.array(z.object({ table: z.string(), columns: z.array(z.string()) })),
  })
  .nullable();

export const ZWatermelonPullQuery = z.strictObject({
  last_pulled_at: ZLastPulledAt,
  schema_version: z.coerce.number().int().min(0).optional(),
  migration: z
    .string()
    .max(100_000)
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "" || text === "null") return null;
      try {
        return ZMigration.parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: "custom", message: "migration must be null or {from, tables, columns} as JSON" });
        return z.NEVER;
      }
    }),
});
export type TWatermelonPullQuery = z.infer<typeof ZWatermelonPullQuery>;

export const ZWatermelonPushQuery = z.strictObject({ last_pulled_at: ZLastPulledAt });

/** Watermelon's default ids are 16 alphanumerics; `_-.` are allowed for custom generators. */
const ZRawId = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, "unsafe record id");

const ZTableChanges = z.object({
  created: z.array(z.looseObject({ id: ZRawId })).default([]),
  updated: z.array(z.looseObject({ id: ZRawId })).default([]),
  deleted: z.array(ZRawId).default([]),
});

export const ZWatermelonChanges = z.record(z.string().max(64), ZTableChanges);
export type TWatermelonChanges = z.infer<typeof ZWatermelonChanges>;

const ZRawRecordOut = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const ZTableChangesOut = z.object({ created: z.array(ZRawRecordOut), updated: z.array(ZRawRecordOut), deleted: z.array(z.string()) });
export type TWatermelonTableChanges = z.infer<typeof ZTableChangesOut>;

export const ZWatermelonPullResponse = z.object({
  changes: z.record(z.string(), ZTableChangesOut),
  /** The position to pass as the next last_pulled_at (never 0). */
  timestamp: z.number().int().min(1),
});
export type TWatermelonPullResponse = z.infer<typeof ZWatermelonPullResponse>;

export const ZWatermelonPushResponse = z.object({ applied: z.number().int().min(0) });
