// JSON columns (jsonb) through the ORM, typed instead of cast. `JsonValue` is what a JSON
// document can hold; a value of that type is a valid `Prisma.InputJsonValue` as it stands, so
// the functions below need no cast. A top-level null is the one case Prisma will not take as a
// value: it must say which null it means (SQL NULL or the JSON literal `null`).
import { Prisma } from "./generated/client";

export type JsonPrimitive = string | number | boolean | null;
/** Object members that are `undefined` are left out when written, as JSON.stringify does. */
export type JsonObject = { [key: string]: JsonValue | undefined };
export type JsonArray = JsonValue[];
export type JsonValue = JsonPrimitive | JsonObject | JsonArray;

/** A JSON value for a required or nullable JSON column; a top-level null is stored as JSON `null`. */
export function toJsonInput(value: JsonValue): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === null ? Prisma.JsonNull : value;
}

/** A value for a nullable JSON column: null is SQL NULL (the column is empty), not JSON `null`. */
export function toNullableJsonInput(value: JsonValue | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : value;
}

/**
 * Data a JSON parser produced (a request body, a jsonb column) that is typed more loosely than it
 * is, such as the engine's `Record<string, unknown>` record data, or an object built only from
 * such data and JSON values. JSON by construction: JSON.parse and the database return nothing
 * else. The one place that says so; it goes once record data is typed as `JsonObject`.
 */
export function parsedJsonObject(value: Record<string, unknown>): JsonObject {
  return value as JsonObject;
}
