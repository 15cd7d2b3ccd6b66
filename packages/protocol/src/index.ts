// @syncdesk/protocol: the wire of Syncdesk's mobile API (PROTOCOL.md) as zod schemas, and the
// canonical JSON that record checksums hash. The server and @syncdesk/client both import it; it
// holds no server code and depends on zod alone.
export * from "./blob.js";
export * from "./canonical-json.js";
export * from "./error-codes.js";
export * from "./sync.js";
export * from "./uploads.js";
