// Opaque, signed, expiring positions: pull tokens and bootstrap cursors. A token is
// base64url(JSON payload) "." base64url(HMAC-SHA256). Tampered or foreign -> 401 invalid_token;
// expired -> 412 bootstrap_required (reason token_expired); the caller checks compaction and the
// history fingerprints (position.ts).
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";

export const BOOTSTRAP_URL = "/api/v1/sync/bootstrap";

const ZPosition = z.record(z.string(), z.number().int().min(0));
/** The history fingerprint at each stream's position (fingerprint.ts); absent in older tokens. */
const ZFingerprints = z.record(z.string(), z.string()).optional();

const ZPullPayload = z.object({
  k: z.literal("pull"),
  u: z.string(),
  d: z.string(),
  s: ZPosition,
  fp: ZFingerprints,
  /** The stream the previous page left waiting: served first on the next one. */
  n: z.string().optional(),
  f: z.array(z.string()).nullable(),
  t: z.record(z.string(), z.number().int()),
  exp: z.number().int(),
});
export type PullPosition = z.infer<typeof ZPullPayload>;

const ZCursorPayload = z.object({
  k: z.literal("boot"),
  u: z.string(),
  d: z.string(),
  h: ZPosition,
  fp: ZFingerprints,
  f: z.array(z.string()).nullable(),
  t: z.record(z.string(), z.number().int()),
  after: z.tuple([z.string(), z.string(), z.string()]).nullable(),
  exp: z.number().int(),
});
export type BootstrapCursor = z.infer<typeof ZCursorPayload>;

function mac(secret: string, body: string): Buffer {
  return createHmac("sha256", secret).update(`syncdesk.v1.${body}`).digest();
}

/** Signs any payload as an opaque token (also the change feed's cursors, server/feed/feed-cursor.ts). */
export function signPayload(secret: string, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(secret, body).toString("base64url")}`;
}

/** Opens a token signed by `signPayload`: tampered, foreign or malformed -> 401 invalid_token. */
export function openPayload<T>(secret: string, token: string, schema: z.ZodType<T>, what: string): T {
  // Built only when refusing: an error's stack trace costs more than checking a good token.
  const invalid = () => new AppError("invalid_token", `The ${what} is not valid`);
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) throw invalid();
  const expected = mac(secret, body);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw invalid();
  return parsed.data;
}

export type BootstrapReason = "compacted" | "token_expired" | "types_changed" | "history_diverged";

export function bootstrapRequired(reason: BootstrapReason, message: string): AppError {
  return new AppError("bootstrap_required", message, { reason, bootstrap_url: BOOTSTRAP_URL });
}

type Owner = { userId: string; deviceId: string };

function checkOwnerAndExpiry(payload: { u: string; d: string; exp: number }, owner: Owner, what: string): void {
  // A token of another user or device is "foreign": refused exactly like a tampered one.
  if (payload.u !== owner.userId || payload.d !== owner.deviceId) {
    throw new AppError("invalid_token", `The ${what} is not valid`);
  }
  if (payload.exp * 1000 < Date.now()) {
    throw bootstrapRequired("token_expired", `The ${what} has expired; bootstrap again`);
  }
}

export function signPullToken(secret: string, position: Omit<PullPosition, "k">): string {
  return signPayload(secret, { k: "pull", ...position });
}

/** Verifies signature and expiry only; the owner is checked by `checkPullTokenOwner`. */
export function openPullToken(secret: string, token: string): PullPosition {
  return openPayload(secret, token, ZPullPayload, "sync token");
}

export function checkPullTokenOwner(position: PullPosition, owner: Owner): void {
  checkOwnerAndExpiry(position, owner, "sync token");
}

export function signBootstrapCursor(secret: string, cursor: Omit<BootstrapCursor, "k">): string {
  return signPayload(secret, { k: "boot", ...cursor });
}

export function openBootstrapCursor(secret: string, token: string, owner: Owner): BootstrapCursor {
  const cursor = openPayload(secret, token, ZCursorPayload, "bootstrap cursor");
  checkOwnerAndExpiry(cursor, owner, "bootstrap cursor");
  return cursor;
}

// Key cursors page verify and checksums in record key order: the last key answered and the type
// filter, bound to the user. They never expire: a key position goes stale harmlessly.
const ZKeyCursorPayload = z.object({
  k: z.enum(["verify", "sums"]),
  u: z.string(),
  f: z.array(z.string()).nullable(),
  a: z.tuple([z.string(), z.string(), z.string()]),
});
export type KeyCursor = z.infer<typeof ZKeyCursorPayload>;

export function signKeyCursor(secret: string, cursor: KeyCursor): string {
  return signPayload(secret, cursor);
}

export function openKeyCursor(secret: string, token: string, kind: KeyCursor["k"], userId: string): KeyCursor {
  const cursor = openPayload(secret, token, ZKeyCursorPayload, "cursor");
  if (cursor.k !== kind || cursor.u !== userId) throw new AppError("invalid_token", "The cursor is not valid");
  return cursor;
}
