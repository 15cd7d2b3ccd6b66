// The demo app's types: what `npm start` syncs unless SYNCDESK_CONFIG names another config.
// Your app declares its own in a file like this one (docs/types.md): JSON Schema, as here, or a
// zod schema (see `diary`). Edit and restart; no rebuild is needed.
import { z } from "zod";
import type { TSyncdeskConfig } from "./server/types/config-schema";

const text = (maxLength: number) => ({ type: "string", maxLength });

export default {
  types: {
    memo: {
      version: 1,
      policy: "lww",
      schema: {
        type: "object", additionalProperties: false, required: ["content", "tags", "pinned"],
        properties: {
          content: text(100_000),
          tags: { type: "array", maxItems: 100, items: text(100) },
          pinned: { type: "boolean" },
        },
      },
      watermelon: { table: "memos" },
    },
    diary: {
      version: 1,
      policy: "lww",
      schema: z.strictObject({ date: z.iso.date(), mood: z.string().max(2000), summary: z.string().max(100_000) }),
      watermelon: { table: "diaries" },
    },
    noot: {
      version: 1,
      policy: "version",
      schema: {
        type: "object", additionalProperties: false, required: ["title", "activities"],
        properties: {
          title: text(2000),
          activities: { type: "array", maxItems: 1000, items: { type: "object" } },
        },
      },
      watermelon: { table: "noots" },
    },
    submission: {
      version: 1,
      policy: "merge",
      schema: {
        type: "object", additionalProperties: false, required: ["form_id", "form_version", "data", "status"],
        properties: {
          form_id: text(2000),
          form_version: { type: "integer", minimum: 0 },
          data: { type: "object" },
          status: { type: "string", enum: ["draft", "submitted", "approved", "rejected"] },
        },
      },
      watermelon: { table: "submissions" },
    },
    meter: {
      version: 1,
      policy: "manual",
      unique_fields: ["code"],
      schema: {
        type: "object", additionalProperties: false, required: ["code", "reading", "unit"],
        properties: {
          code: { type: "string", minLength: 1, maxLength: 100 },
          reading: { type: "number" },
          unit: { type: "string", minLength: 1, maxLength: 20 },
        },
      },
      watermelon: { table: "meters" },
    },
    // A photo whose image is uploaded separately (docs/protocol.md "Uploads"): `image` holds a blob
    // key the pushing user owns, or null until the upload is done. Merged by field: a new caption
    // and a new image from two devices both apply; two new images are for a person to choose.
    photo: {
      version: 1,
      policy: "merge",
      media_fields: ["image"],
      schema: {
        type: "object", additionalProperties: false, required: ["caption", "image"],
        properties: {
          caption: text(2000),
          image: { type: ["string", "null"], pattern: "^b_[A-Za-z0-9_-]{22}$" },
        },
      },
    },
  },
} satisfies TSyncdeskConfig;
