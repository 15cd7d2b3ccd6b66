// Types the server itself owns, whatever the app's config says: what an upload finished without
// `attach` writes is a `blob` record, one per blob, whose id is the blob key.
import { z } from "zod";
import { ZBlobRecordData } from "@syncdesk/protocol";
import type { ResourceType } from "./resource-type";

export const BUILT_IN_TYPES: Record<string, ResourceType> = {
  blob: {
    name: "blob",
    version: 1,
    breaking: false,
    policy: "lww",
    uniqueFields: [],
    mediaFields: ["key"],
    fields: {},
    carriedFields: [],
    jsonSchema: z.toJSONSchema(ZBlobRecordData, { target: "draft-2020-12" }),
    validate: (data) => {
      const parsed = ZBlobRecordData.safeParse(data);
      if (parsed.success) return { ok: true, data: parsed.data };
      return { ok: false, issues: parsed.error.issues.map((i) => ({ field: i.path.join(".") || "data", message: i.message })) };
    },
    watermelonTable: null,
    table: null,
    builtIn: true,
  },
};
