// next-auth for the console: email + password against staff accounts, plus an optional OIDC
// provider (OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET) for accounts that already exist.
// Sessions are signed JWT cookies that expire after STAFF_SESSION_MAX_AGE_SECONDS.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { env } from "../env";
import { checkLoginGate, clientAddress, lockedMessage, loginThrottleConfig, recordLoginFailure, recordLoginSuccess } from "../limits/login-throttle";
import { findActiveStaffByEmail } from "../staff/accounts";
import { logInWithPassword } from "../staff/login";

type Credentials = Partial<Record<"email" | "password" | "code", string>> | undefined;
export type AuthorizeDeps = { sleep: (ms: number) => Promise<void> };
const realDeps: AuthorizeDeps = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** What next-auth hands the login form when the password was right and a second factor is due. */
export const CODE_REQUIRED = "code_required";
export const CODE_WRONG = "code_wrong";

/**
 * Email and password login, plus the TOTP code of an account with a second factor, throttled
 * (server/limits/login-throttle.ts): a locked account or address is refused with `locked:<seconds>`
 * (next-auth hands the message to the login form), repeated failures wait before answering, and
 * every failure, a wrong code included, is counted and audited. A right password without a code is
 * not a failure: it asks for the code (`code_required`).
 */
export async function authorizeCredentials(credentials: Credentials, headers: Record<string, unknown> | undefined, deps = realDeps) {
  if (!credentials?.email || !credentials.password) return null;
  const db = await getDb();
  const config = loginThrottleConfig(env());
  const attempt = { email: credentials.email.trim().toLowerCase().slice(0, 320), ip: clientAddress(headers) };
  const gate = await checkLoginGate(db, attempt, config);
  if (gate.locked) throw new Error(lockedMessage(gate));
  if (gate.delayMs > 0) await deps.sleep(gate.delayMs);
  const result = await logInWithPassword(db, { email: credentials.email, password: credentials.password, code: credentials.code });
  if (!result.ok && result.reason === "code_required") throw new Error(CODE_REQUIRED);
  if (!result.ok) {
    await recordLoginFailure(db, attempt, config);
    if (result.reason === "code_wrong") throw new Error(CODE_WRONG);
    return null;
  }
  await recordLoginSuccess(db, attempt);
  const { staff } = result;
  return { id: staff.id, email: staff.email, name: staff.name ?? staff.email };
}

function oidcProviders(): NextAuthOptions["providers"] {
  const config = env();
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: config.OIDC_NAME,
      type: "oauth",
      wellKnown: `${config.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (profile: { sub: string; email?: string; name?: string }) => ({
        id: profile.sub,
        email: profile.email ?? null,
        name: profile.name ?? null,
      }),
    },
  ];
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  cached ??= {
    secret: env().authSecret,
    session: { strategy: "jwt", maxAge: env().STAFF_SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" }, code: { label: "Two-factor code", type: "text" },
        },
        authorize: (credentials, request) => authorizeCredentials(credentials, request.headers),
      }),
      ...oidcProviders(),
    ],
    callbacks: {
      // Single sign-on admits only people who already have an (active) staff account.
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        return user.email ? (await findActiveStaffByEmail(await getDb(), user.email)) !== null : false;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc" && user.email) {
          const staff = await findActiveStaffByEmail(await getDb(), user.email);
          if (staff) token.sub = staff.id;
        }
        return token;
      },
      // The session names the staff id; the role is read live from the database per request.
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
  };
  return cached;
}
