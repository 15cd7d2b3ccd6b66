"use client";
// Setting up one's own TOTP second factor through /api/console/two-factor: a new secret (shown
// once, as an otpauth:// link and as text to type), then a code from the app to turn it on.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@/server/limits/csrf";
import { Button } from "./ui/primitives";

type Enrolment = { secret: string; uri: string };
const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 font-mono tracking-widest dark:border-slate-700 dark:bg-slate-950";

async function post(body: unknown): Promise<{ ok: true; data: unknown } | { ok: false; message: string }> {
  const response = await fetch("/api/console/two-factor", {
    method: "POST",
    headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
    body: JSON.stringify(body),
  });
  const data: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data };
  const message = (data as { error?: { message?: string } } | null)?.error?.message;
  return { ok: false, message: message ?? "Two-factor could not be set up." };
}

/** Groups of four, as authenticator apps show secrets: easier to type and to compare. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

export function TwoFactorEnrolment() {
  const router = useRouter();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function begin() {
    setBusy(true);
    setError(null);
    const result = await post({ action: "begin" });
    setBusy(false);
    if (result.ok) setEnrolment(result.data as Enrolment);
    else setError(result.message);
  }

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "");
    setBusy(true);
    setError(null);
    const result = await post({ action: "confirm", code });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    router.replace("/overview");
    router.refresh();
  }

  if (!enrolment) {
    return (
      <div className="mt-6 space-y-4 text-sm">
        <p>With two-factor on, logging in also asks for a 6-digit code from an authenticator app on your phone (any TOTP app).</p>
        {error ? <p role="alert" className="text-red-700 dark:text-red-400">{error}</p> : null}
        <Button variant="primary" disabled={busy} onClick={() => void begin()} className="w-full justify-center">Set up two-factor</Button>
      </div>
    );
  }
  return (
    <form onSubmit={(e) => void confirm(e)} className="mt-6 space-y-4 text-sm">
      <p>1. In your authenticator app, add an account with this key (time-based, 6 digits, every 30 seconds):</p>
      <p className="rounded-md bg-slate-100 p-3 text-center font-mono text-base font-semibold tracking-wider dark:bg-slate-800" data-testid="totp-secret" data-secret={enrolment.secret}>
        {grouped(enrolment.secret)}
      </p>
      <p>
        Or open it on the phone: <a href={enrolment.uri} className="break-all text-indigo-600 underline dark:text-indigo-400" data-testid="totp-uri">{enrolment.uri}</a>
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">The key is shown only now. Starting again makes a new one.</p>
      <label className="block font-medium">
        2. The code the app shows now
        <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required className={input} />
      </label>
      {error ? <p role="alert" className="text-red-700 dark:text-red-400">{error}</p> : null}
      <Button type="submit" variant="primary" disabled={busy} className="w-full justify-center">{busy ? "Checking…" : "Turn on two-factor"}</Button>
    </form>
  );
}
