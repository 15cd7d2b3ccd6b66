// Verifies a device's bearer JWT (HS256 with SYNC_JWT_SECRET, or RS256/ES256 from SYNC_JWKS_URL)
// and derives the caller's streams: always `user:<sub>`, plus the `streams` claim.
// A token whose signature holds but whose claims we cannot use is still a 401, but it says which
// claim and why in `details.fields`: only its issuer could have made it, so there is nothing to
// probe, and the integrator learns what to fix (issue 19).
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { SERVICE_USER_PREFIX, type Caller } from "../auth/caller";
import { env } from "../env";
import { AppError } from "../errors";
import { ZStreamName } from "@syncdesk/protocol";
import { hasUnstorableText } from "./storable-json";

/** At most this many entries in the `streams` claim (docs/protocol.md "Authentication"). */
export const MAX_STREAMS_CLAIM = 100;

const ZClaims = z.object({
  sub: z.string().min(1).max(200)
    // PostgreSQL refuses NUL in text (22021): such a sub must be a 401 here, not a 500 in a query.
    .refine((sub) => !hasUnstorableText(sub), "contains a NUL character or an unpaired surrogate")
    // `service:<key>` is the user of the team's backend writers (server-push.ts): a device with
    // that sub would share their devices, batches and idempotency keys.
    .refine((sub) => !sub.startsWith(SERVICE_USER_PREFIX), `must not start with "${SERVICE_USER_PREFIX}" (reserved for service keys)`),
  streams: z.array(ZStreamName).max(MAX_STREAMS_CLAIM, `has more than ${MAX_STREAMS_CLAIM} entries`).optional(),
});

let jwks: JWTVerifyGetKey | undefined;

// The HS256 key, imported once per secret: given bytes, jose imports a CryptoKey on every call,
// a few percent of a sync request's CPU (bench, "Peer").
let hmac: { secret: string; key: Promise<CryptoKey> } | undefined;

function hmacKey(secret: string): Promise<CryptoKey> {
  if (hmac?.secret !== secret) {
    // A failed import (an empty secret) rejects every token, like a bad signature.
    const key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    hmac = { secret, key };
  }
  return hmac.key;
}

/** The bearer credential of `Authorization` (a device JWT or a service key). */
export function bearerToken(header: string | null, what = "<JWT>"): string {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header?.trim() ?? "");
  if (!match?.[1]) throw new AppError("unauthorized", `Send Authorization: Bearer ${what}`);
  return match[1];
}

// HS256 tokens already verified, by their whole text (signature included) and the settings they
// were verified under: a phone sends the same JWT on every request until it expires, and checking
// its HMAC again through WebCrypto cost ~0.7 ms of server CPU per request (issue 21). An entry
// ends at the token's `exp`, as jose's check would. Tokens from a JWKS are verified every time, so
// a key withdrawn from the set stops them at once.
const VERIFIED_MAX = 10_000;
const verified = new Map<string, { payload: JWTPayload; settings: string; untilMs: number }>();

function rememberVerified(token: string, payload: JWTPayload, settings: string): void {
  if (typeof payload.exp !== "number") return;
  if (verified.size >= VERIFIED_MAX) {
    const now = Date.now();
    for (const [key, entry] of verified) if (entry.untilMs <= now) verified.delete(key);
    // Still full: drop the oldest entries (insertion order).
    for (const key of verified.keys()) {
      if (verified.size < VERIFIED_MAX) break;
      verified.delete(key);
    }
  }
  verified.set(token, { payload, settings, untilMs: payload.exp * 1000 });
}

async function verify(token: string): Promise<JWTPayload> {
  const config = env();
  const settings = config.SYNC_JWKS_URL ? null : JSON.stringify([config.SYNC_JWT_SECRET, config.SYNC_JWT_ISSUER, config.SYNC_JWT_AUDIENCE]);
  const known = settings === null ? undefined : verified.get(token);
  if (known && known.settings === settings && Date.now() < known.untilMs) return known.payload;
  const options = {
    issuer: config.SYNC_JWT_ISSUER,
    audience: config.SYNC_JWT_AUDIENCE,
    requiredClaims: ["sub", "exp"],
  };
  try {
    if (config.SYNC_JWKS_URL) {
      jwks ??= createRemoteJWKSet(new URL(config.SYNC_JWKS_URL));
      return (await jwtVerify(token, jwks, { ...options, algorithms: ["RS256", "ES256"] })).payload;
    }
    const { payload } = await jwtVerify(token, await hmacKey(config.SYNC_JWT_SECRET ?? ""), { ...options, algorithms: ["HS256"] });
    if (settings !== null) rememberVerified(token, payload, settings);
    return payload;
  } catch {
    // One answer for every failure (signature, algorithm, expiry, audience): nothing to probe.
    throw new AppError("invalid_token", "The access token is invalid or expired");
  }
}

// The caller derived from a remembered payload (the same object on every request of its token):
// its claims are checked and its streams sorted once, not per request.
const callers = new WeakMap<JWTPayload, Caller>();

export async function authenticateDevice(request: Request): Promise<Caller> {
  const payload = await verify(bearerToken(request.headers.get("authorization")));
  const known = callers.get(payload);
  // A copy: nothing the request does to its caller reaches the next request's.
  if (known) return { userId: known.userId, streams: [...known.streams] };
  const caller = callerOf(payload);
  callers.set(payload, caller);
  return { userId: caller.userId, streams: [...caller.streams] };
}

function callerOf(payload: JWTPayload): Caller {
  const claims = ZClaims.safeParse(payload);
  if (!claims.success) {
    const fields = claims.error.issues.slice(0, 10).map((issue) => ({ field: issue.path.map(String).join(".") || "(claims)", message: issue.message }));
    const first = fields[0];
    throw new AppError("invalid_token", `The access token's claims are invalid: ${first?.field} ${first?.message}`, { fields });
  }
  const own = `user:${claims.data.sub}`;
  const streams = [own, ...(claims.data.streams ?? []).filter((s) => s !== own)];
  return { userId: claims.data.sub, streams: [...new Set(streams)].sort() };
}
