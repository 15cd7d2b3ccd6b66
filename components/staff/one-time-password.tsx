// A one-time password, shown once: the admin hands it over; its owner replaces it at first login.
export function OneTimePassword({ email, password }: { email: string; password: string }) {
  return (
    <div role="status" className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
      One-time password for {email}: <code data-testid="one-time-password" className="font-mono font-semibold">{password}</code>
      <p className="mt-1 text-xs">Shown once. Hand it over privately; it must be replaced at the next login.</p>
    </div>
  );
}
