// The resource-type registry: every type a device may sync, its data schema, conflict policy,
// unique fields and media fields. This is the one module to edit when an app adds a type.
import { z } from "zod";
import { ZBlobKey, ZBlobRecordData } from "./blob-schemas";

export type ConflictPolicy = "manual" | "lww" | "version" | "merge";

export type ResourceType = {
  name: string;
  /** Bump when `schema` changes incompatibly: tokens issued before get 412 `types_changed`. */
  version: number;
  schema: z.ZodType<Record<string, unknown>>;
  policy: ConflictPolicy;
  /** Fields whose values are unique per stream among live records. */
  uniqueFields?: readonly string[];
  /** Fields holding blob keys (checked by the uploads module). */
  mediaFields?: readonly string[];
};

const shortText = z.string().max(2000);

export const RESOURCE_TYPES: Record<string, ResourceType> = {
  memo: {
    name: "memo",
    version: 1,
    policy: "lww",
    schema: z.strictObject({
      content: z.string().max(100_000),
      tags: z.array(z.string().max(100)).max(100),
      pinned: z.boolean(),
    }),
  },
  diary: {
    name: "diary",
    version: 1,
    policy: "lww",
    schema: z.strictObject({
      date: z.iso.date(),
      mood: shortText,
      summary: z.string().max(100_000),
    }),
  },
  noot: {
    name: "noot",
    version: 1,
    policy: "version",
    schema: z.strictObject({
      title: shortText,
      activities: z.array(z.record(z.string(), z.unknown())).max(1000),
    }),
  },
  submission: {
    name: "submission",
    version: 1,
    policy: "merge",
    schema: z.strictObject({
      form_id: shortText,
      form_version: z.number().int().min(0),
      data: z.record(z.string(), z.unknown()),
      status: z.enum(["draft", "submitted", "approved", "rejected"]),
    }),
  },
  meter: {
    name: "meter",
    version: 1,
    policy: "manual",
    uniqueFields: ["code"],
    schema: z.strictObject({
      code: z.string().min(1).max(100),
      reading: z.number().finite(),
      unit: z.string().min(1).max(20),
    }),
  },
  // A photo with its image uploaded separately (docs/protocol.md "Uploads"): `image` holds a blob
  // key the pushing user owns (or null until the upload is done). Merged by field: a new caption
  // and a new image from two devices both apply; two new images are for a person to choose.
  photo: {
    name: "photo",
    version: 1,
    policy: "merge",
    mediaFields: ["image"],
    schema: z.strictObject({
      caption: shortText,
      image: ZBlobKey.nullable(),
    }),
  },
  // What an upload finished without `attach` writes: one record per blob, id = the blob key.
  blob: {
    name: "blob",
    version: 1,
    policy: "lww",
    mediaFields: ["key"],
    schema: ZBlobRecordData,
  },
};

export function getResourceType(name: string): ResourceType | undefined {
  return Object.hasOwn(RESOURCE_TYPES, name) ? RESOURCE_TYPES[name] : undefined;
}

/** The versions of the given types (all when `filter` is null), as carried in tokens. */
export function typeVersions(filter: readonly string[] | null): Record<string, number> {
  const names = filter ?? Object.keys(RESOURCE_TYPES);
  return Object.fromEntries(names.flatMap((n) => {
    const type = getResourceType(n);
    return type ? [[n, type.version]] : [];
  }));
}
