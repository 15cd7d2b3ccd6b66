// Mints device JWTs the way an app's auth server would (HS256 with SYNC_JWT_SECRET), for local
// development (`npm run token`) and tests. Production apps bring their own auth server.
import { SignJWT } from "jose";

export type DeviceJwtOptions = {
  userId: string;
  /** Extra shared streams (the `streams` claim), e.g. ["org:acme"]. `user:<sub>` is implicit. */
  streams?: string[];
  /** A relative period such as "30d", "2h", "90s", or a number of seconds. Default "30d". */
  expiresIn?: string | number;
  secret: string;
  issuer?: string;
  audience?: string;
};

export async function mintDeviceJwt(options: DeviceJwtOptions): Promise<string> {
  const { userId, streams, expiresIn = "30d", secret, issuer, audience } = options;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(streams && streams.length > 0 ? { streams } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === "number" ? now + expiresIn : expiresIn);
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
