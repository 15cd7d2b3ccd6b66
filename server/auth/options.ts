// next-auth for the console: email + password against staff accounts, plus an optional OIDC
// provider (OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET) for accounts that already exist.
// Sessions are signed JWT cookies that expire after STAFF_SESSION_MAX_AGE_SECONDS.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { env } from "../env";
import { findActiveStaffByEmail, verifyStaffPassword } from "../staff/accounts";

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
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const staff = await verifyStaffPassword(await getDb(), credentials.email, credentials.password);
          return staff && { id: staff.id, email: staff.email, name: staff.name ?? staff.email };
        },
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
