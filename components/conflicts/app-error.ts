// What a console mutation's error says, narrowed from the tRPC client error (init.ts puts the
// AppError code and details into error.data).
import { z } from "zod";

const ZErrorData = z.object({
  appCode: z.string().nullable().optional(),
  details: z.record(z.string(), z.unknown()).nullable().optional(),
});

const ZFieldErrors = z.array(z.object({ field: z.string(), message: z.string() }));
const ZStale = z.object({ current_version: z.number(), current_data: z.record(z.string(), z.unknown()).nullable(), current_deleted: z.boolean().optional() });

export type ConsoleError = {
  message: string;
  appCode: string | null;
  fields: { field: string; message: string }[];
  stale: z.infer<typeof ZStale> | null;
};

export function readConsoleError(error: unknown): ConsoleError {
  const message = error instanceof Error ? error.message : "Something went wrong";
  const data = ZErrorData.safeParse(typeof error === "object" && error !== null && "data" in error ? error.data : null);
  const details = data.success ? (data.data.details ?? {}) : {};
  const fields = ZFieldErrors.safeParse(details.fields);
  const stale = ZStale.safeParse(details);
  return {
    message,
    appCode: data.success ? (data.data.appCode ?? null) : null,
    // The resolution names fields as "data.<field>"; the editor shows them by field.
    fields: fields.success ? fields.data.map((f) => ({ ...f, field: f.field.replace(/^data\.?/, "") || "(data)" })) : [],
    stale: stale.success ? stale.data : null,
  };
}
