// Who wrote a change (INTEGRATION.md "GET /api/v1/server/changes": `source: {kind, id}`). Stored
// on each change as "kind:id" and on each feed event as two columns.
import type { Caller } from "../auth/caller";
import { z } from "zod";

export const SOURCE_KINDS = ["device", "server", "staff", "sql"] as const;
export const ZChangeSource = z.object({ kind: z.enum(SOURCE_KINDS), id: z.string() });
export type TChangeSource = z.infer<typeof ZChangeSource>;

/** Users whose "devices" are the team's backend writers (server/sync/server-push.ts). */
const SERVICE_USER_PREFIX = "service:";

/**
 * The source of a write made with a device context: a device, or the backend writer the server
 * API registers as a device of its key's service user. Uploads carry no device id: their source
 * id is the user's.
 */
export function sourceOfCaller(caller: Caller & { deviceId?: string }): TChangeSource {
  const id = caller.deviceId ?? caller.userId;
  return caller.userId.startsWith(SERVICE_USER_PREFIX) ? { kind: "server", id } : { kind: "device", id };
}

/** The stored "kind:id" back as a source; null for changes written before sources were kept. */
export function parseSourceText(text: string | null): TChangeSource | null {
  if (text === null) return null;
  const at = text.indexOf(":");
  const parsed = ZChangeSource.safeParse({ kind: text.slice(0, at), id: text.slice(at + 1) });
  return at > 0 && parsed.success ? parsed.data : null;
}
