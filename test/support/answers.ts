// Tests read answers the way a client must: through the shared wire schemas. A body that does not
// match its schema fails the test where it is read, instead of as an `undefined` three steps later.
import { z } from "zod";
import { ZErrorBody } from "@syncdesk/protocol";

/** An answer's body, parsed with the wire schema of that route. */
export function bodyOf<S extends z.ZodType>(answer: { body: unknown }, schema: S): z.output<S> {
  return schema.parse(answer.body);
}

/** The `error` of an error answer, parsed with the shared ZErrorBody. */
export function errorOf(answer: { body: unknown }): z.output<typeof ZErrorBody>["error"] {
  return ZErrorBody.parse(answer.body).error;
}

/**
 * `details` of an invalid_request: which fields failed (server/errors.ts builds it; the wire
 * schemas type details only as a record, so the tests hold its shape here).
 */
export const ZInvalidFields = z.object({ fields: z.array(z.object({ field: z.string(), message: z.string() })).optional() });

/** The fields an invalid_request answer names, in its order. */
export function invalidFieldsOf(answer: { body: unknown }): { field: string; message: string }[] {
  return ZInvalidFields.parse(errorOf(answer).details ?? {}).fields ?? [];
}
