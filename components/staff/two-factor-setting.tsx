"use client";
// The admin's console-wide switch: every account that logs in with a password must use a second
// factor (accounts without one are sent to set it up at their next page).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Card } from "@/components/ui/primitives";

export function TwoFactorSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.staff.settings.queryOptions());
  const set = useMutation(trpc.staff.setRequireTwoFactor.mutationOptions({
    onSuccess: () => queryClient.invalidateQueries(trpc.staff.pathFilter()),
  }));
  const required = settings.data?.requireTwoFactor ?? false;
  return (
    <Card title="Two-factor login" className="mb-4">
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5"
          checked={required}
          disabled={settings.isPending || set.isPending}
          onChange={(e) => set.mutate({ required: e.target.checked })}
        />
        <span>
          Require two-factor for every account that logs in with a password
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            Accounts without it must set it up before any console page opens. Single sign-on accounts use their identity provider&apos;s.
          </span>
        </span>
      </label>
      {set.isError ? <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{set.error.message}</p> : null}
    </Card>
  );
}
