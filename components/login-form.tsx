"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "./ui/primitives";

export function LoginForm({ sso }: { sso: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Set once the password was right for an account with a second factor (server/auth/options.ts).
  const [askCode, setAskCode] = useState(false);
  // Until React has hydrated, a submit would be the browser's own GET to /login with the password
  // in the URL (history, proxy and server logs). The button stays disabled until then.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      code: String(form.get("code") ?? ""),
      redirect: false,
    });
    setBusy(false);
    if (result?.ok && !result.error) {
      router.replace("/overview");
      router.refresh();
    } else if (result?.error === "code_required") {
      setAskCode(true);
    } else if (result?.error === "code_wrong") {
      setError("That code is not right (or was already used): type the one your authenticator app shows now.");
    } else if (result?.error?.startsWith("locked:")) {
      // Login throttling (server/limits/login-throttle.ts): `locked:<seconds>`.
      const minutes = Math.max(1, Math.ceil(Number(result.error.slice("locked:".length)) / 60));
      setError(`Too many failed logins. Logging in is locked for ${minutes} more minute${minutes === 1 ? "" : "s"}: try again later.`);
    } else {
      setError("That email and password do not match an active account.");
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="mt-6 space-y-4">
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700 dark:bg-slate-950" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700 dark:bg-slate-950" />
      </label>
      {askCode ? (
        <label className="block text-sm font-medium">
          Two-factor code
          <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">The 6 digits your authenticator app shows for Syncdesk.</span>
          <input name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 font-mono tracking-widest dark:border-slate-700 dark:bg-slate-950" />
        </label>
      ) : null}
      {error ? <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p> : null}
      <Button type="submit" variant="primary" disabled={busy || !hydrated} className="w-full justify-center">
        {busy ? "Logging in…" : "Log in"}
      </Button>
      {sso ? (
        <Button onClick={() => void signIn("oidc", { callbackUrl: "/overview" })} className="w-full justify-center">
          Continue with {sso}
        </Button>
      ) : null}
    </form>
  );
}
