// A resource type as the engine uses it, compiled from the app's config (load-config.ts) or built
// in (the uploads' `blob`). Validation is compiled once per type version.
import type { RecordData } from "../sync/records";
import type { FieldRules } from "./field-rules";

export type ConflictPolicy = "manual" | "lww" | "version" | "merge";

/** A failing path of record data: `score`, `tags.2`, or `data` for the whole object. */
export type DataIssue = { field: string; message: string };

export type Validation = { ok: true; data: RecordData } | { ok: false; issues: DataIssue[] };

/** A JSON Schema document (draft 2020-12), as the config gave it or as derived from zod. */
export type JsonSchema = { [key: string]: unknown };

/** The team's table that holds a type's data (INTEGRATION.md section 3; server/capture/). */
export type TableBinding = {
  /** As configured: `public.visits` or `visits`. */
  name: string;
  key: string;
  streamColumn: string;
  /** A record's stream is this prefix + the stream column's value. */
  streamPrefix: string;
};

export type ResourceType = {
  name: string;
  version: number;
  /** This version breaks older tokens: they answer 412 `types_changed` (type-epochs.ts). */
  breaking: boolean;
  policy: ConflictPolicy;
  /** Fields whose values are unique per stream among live records. */
  uniqueFields: readonly string[];
  /** Fields holding blob keys (checked by the uploads module). */
  mediaFields: readonly string[];
  /** Per-field merge rules and guards (INTEGRATION.md section 1). */
  fields: FieldRules;
  /**
   * Fields an update that leaves them out keeps from the record: those with a schema `default`
   * (an older app does not know them) and server-only ones (a device cannot set them).
   */
  carriedFields: readonly string[];
  /** The data's JSON Schema: for the OpenAPI document, WatermelonDB columns and generated types. */
  jsonSchema: JsonSchema;
  /** Validates data and fills declared defaults; never throws. */
  validate(data: unknown): Validation;
  /** The WatermelonDB table synced with this type, when the app uses WatermelonDB. */
  watermelonTable: string | null;
  /** The team's table holding the data, when the type is table-backed. */
  table: TableBinding | null;
  /** The server's own type (uploads' `blob`), not the app's. */
  builtIn: boolean;
};
