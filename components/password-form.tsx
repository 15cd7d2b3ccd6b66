"use client";
// Changing one's own password (required after a one-time password), through /api/console/password.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@/server/limits/csrf";
import { Button } from "./ui/primitives";

const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700 dark:bg-slate-950";

export function PasswordForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = String(form.get("next") ?? "");
    if (next !== String(form.get("repeat") ?? "")) return setError("The two new passwords differ.");
    setBusy(true);
    setError(null);
    const response = await fetch("/api/console/password", {
      method: "POST",
      headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
      body: JSON.stringify({ current: String(form.get("current") ?? ""), next }),
    });
    setBusy(false);
    if (response.ok) {
      router.replace("/overview");
      router.refresh();
      return;
    }
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    setError(body?.error?.message ?? "The password could not be changed.");
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="mt-6 space-y-4">
      <label className="block text-sm font-medium">
        Current password
        <input name="current" type="password" autoComplete="current-password" required className={input} />
      </label>
      <label className="block text-sm font-medium">
        New password (at least 12 characters)
        <input name="next" type="password" autoComplete="new-password" required minLength={12} className={input} />
      </label>
      <label className="block text-sm font-medium">
        New password again
        <input name="repeat" type="password" autoComplete="new-password" required minLength={12} className={input} />
      </label>
      {error ? <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p> : null}
      <Button type="submit" variant="primary" disabled={busy} className="w-full justify-center">{busy ? "Saving…" : "Save password"}</Button>
    </form>
  );
}
