// Console requests with real session cookies, handled by the real tRPC route. next-auth reads the
// cookie through Next's request scope, which route handlers called outside Next lack; this stands
// in for getCurrentStaff exactly as it behaves: decode the signed session JWT (next-auth/jwt, the
// same secret and format next-auth writes), then load the *active* staff member by id, role read
// live. A forged, expired or foreign cookie decodes to nobody. Use with
//   vi.mock("@/server/auth/session", () => import("./support/console-session"))
import { AsyncLocalStorage } from "node:async_hooks";
import { decode, encode } from "next-auth/jwt";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { getActiveStaff, type StaffIdentity } from "@/server/staff/accounts";

export const SESSION_COOKIE = "next-auth.session-token";
const current = new AsyncLocalStorage<Request>();

function cookieOf(request: Request, name: string): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}

export async function getCurrentStaff(): Promise<StaffIdentity | null> {
  const request = current.getStore();
  const token = request ? cookieOf(request, SESSION_COOKIE) : null;
  if (!token) return null;
  const session = await decode({ token, secret: env().authSecret }).catch(() => null);
  return typeof session?.sub === "string" ? getActiveStaff(await getDb(), session.sub) : null;
}

/** A session cookie as next-auth writes it after a login (`maxAge` negative: already expired). */
export async function sessionCookie(staff: Pick<StaffIdentity, "id" | "email">, options: { secret?: string; maxAge?: number } = {}): Promise<string> {
  const token = await encode({ token: { sub: staff.id, email: staff.email }, secret: options.secret ?? env().authSecret, maxAge: options.maxAge ?? 3600 });
  return `${SESSION_COOKIE}=${token}`;
}

type Handler = (request: Request) => Promise<Response> | Response;

/** Calls a route handler with `request` as the current request (what next/headers would see). */
export function withRequest(handler: Handler, request: Request): Promise<Response> {
  return current.run(request, async () => handler(request));
}
