import { redirect } from "next/navigation";
import { PasswordForm } from "@/components/password-form";
import { getCurrentAccount } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function PasswordPage() {
  const account = await getCurrentAccount();
  if (!account) redirect("/login");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">{account.mustChangePassword ? "Choose your password" : "Change your password"}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {account.mustChangePassword
            ? `${account.staff.email} logged in with a one-time password. Choose your own to open the console.`
            : account.staff.email}
        </p>
        <PasswordForm />
      </div>
    </main>
  );
}
