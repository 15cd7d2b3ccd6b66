import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console-nav";
import { StaffProvider } from "@/components/staff-context";
import { ConsoleProviders } from "@/components/trpc";
import { getCurrentAccount, pendingStepPath } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const account = await getCurrentAccount();
  if (!account) redirect("/login");
  // A one-time password, or a second factor the console requires, opens nothing but its own page.
  const pending = pendingStepPath(account);
  if (pending) redirect(pending);
  const { staff } = account;
  return (
    <ConsoleProviders>
      <StaffProvider staff={staff}>
        <div className="flex min-h-screen flex-col md:flex-row">
          <ConsoleNav staff={staff} />
          <main id="main" className="min-w-0 flex-1 p-4 md:p-8">{children}</main>
        </div>
      </StaffProvider>
    </ConsoleProviders>
  );
}
