// Verifies a device's bearer JWT (HS256 with SYNC_JWT_SECRET, or RS256/ES256 from SYNC_JWKS_URL)
// and derives the caller's streams: always `user:<sub>`, plus the `streams` claim.
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Caller } from "../auth/caller";
import { env } from "../env";
import { AppError } from "../errors";
import { ZStreamName } from "../sync/schemas";

const ZClaims = z.object({
  sub: z.string().min(1).max(200),
  streams: z.array(ZStreamName).max(100).optional(),
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

async function verify(token: string): Promise<JWTPayload> {
  const config = env();
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
    return (await jwtVerify(token, await hmacKey(config.SYNC_JWT_SECRET ?? ""), { ...options, algorithms: ["HS256"] })).payload;
  } catch {
    // One answer for every failure (signature, algorithm, expiry, audience): nothing to probe.
    throw new AppError("invalid_token", "The access token is invalid or expired");
  }
}

export async function authenticateDevice(request: Request): Promise<Caller> {
  const payload = await verify(bearerToken(request.headers.get("authorization")));
  const claims = ZClaims.safeParse(payload);
  // The same answer as any other bad token (the authorization matrix compares the bodies).
  if (!claims.success) throw new AppError("invalid_token", "The access token is invalid or expired");
  const own = `user:${claims.data.sub}`;
  const streams = [own, ...(claims.data.streams ?? []).filter((s) => s !== own)];
  return { userId: claims.data.sub, streams: [...new Set(streams)].sort() };
}
