// Who is calling, once authenticated: a user and the streams their credential grants. Neutral
// ground for every layer (http verifies it, sync and uploads act for it), so none imports another
// for the type.
export type Caller = { userId: string; streams: string[] };

/**
 * The user id of a service key's writers is `service:<key name>` (server/sync/server-push.ts); a
 * device token may not claim a subject in that namespace (server/http/device-auth.ts).
 */
export const SERVICE_USER_PREFIX = "service:";
