import { redirect } from "next/navigation";
import { TwoFactorEnrolment } from "@/components/two-factor-enrolment";
import { getCurrentAccount } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function TwoFactorPage() {
  const account = await getCurrentAccount();
  if (!account) redirect("/login");
  if (account.mustChangePassword) redirect("/password");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">Two-factor login</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {account.mustEnrolTwoFactor
            ? `This console requires a second factor. Set one up for ${account.staff.email} to continue.`
            : account.staff.email}
        </p>
        {account.twoFactor ? (
          <div className="mt-6 space-y-3 text-sm">
            <p role="status">Two-factor is on: every login with your password also asks for a code from your authenticator app.</p>
            <p className="text-slate-600 dark:text-slate-400">Lost the phone, or moving to a new one? Ask an admin to reset your two-factor, then set it up again.</p>
            <a href="/overview" className="inline-block text-indigo-600 hover:underline dark:text-indigo-400">Back to the console</a>
          </div>
        ) : (
          <>
            <TwoFactorEnrolment />
            {account.mustEnrolTwoFactor ? null : (
              <a href="/overview" className="mt-4 inline-block text-sm text-indigo-600 hover:underline dark:text-indigo-400">Not now: back to the console</a>
            )}
          </>
        )}
      </div>
    </main>
  );
}
