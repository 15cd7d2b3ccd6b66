import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login-form";
import { getCurrentAccount, pendingStepPath } from "@/server/auth/session";
import { env } from "@/server/env";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  const account = await getCurrentAccount();
  if (account) redirect(pendingStepPath(account) ?? "/overview");
  const config = env();
  const sso = config.OIDC_ISSUER && config.OIDC_CLIENT_ID ? config.OIDC_NAME : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-semibold">Log in to Syncdesk</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">The console for support staff and operators.</p>
        <LoginForm sso={sso} />
      </div>
    </main>
  );
}
