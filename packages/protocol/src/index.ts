// @syncdesk/protocol: the wire of Syncdesk's mobile API (PROTOCOL.md) as zod schemas, and the
// canonical JSON that record checksums hash. The server and @syncdesk/client both import it; it
// holds no server code and depends on zod alone.
export * from "./blob";
export * from "./canonical-json";
export * from "./error-codes";
export * from "./sync";
export * from "./uploads";
