"use client";
// The admin's staff accounts: role, enable/disable and password reset per account. The server keeps
// the last enabled admin and audits every change; this page says what it refused.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useStaff } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Badge, Button, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import { ROLES, type Role } from "@/server/staff/roles";
import type { StaffAccount } from "@/server/staff/list";
import { CreateStaffForm } from "./create-staff-form";
import { OneTimePassword } from "./one-time-password";
import { TwoFactorSetting } from "./two-factor-setting";

export function StaffAdmin() {
  const trpc = useTRPC();
  const me = useStaff();
  const list = useQuery({ ...trpc.staff.list.queryOptions(), enabled: me.role === "admin" });
  if (me.role !== "admin") return <EmptyState title="Only admins manage staff accounts" />;
  return (
    <>
      <TwoFactorSetting />
      <CreateStaffForm />
      {list.isPending ? <Loading label="Loading staff…" /> : list.isError ? <ErrorState error={list.error} /> : (
        <Table caption="Staff accounts" head={["Email", "Role", "Status", "Last login", "Actions"]}>
          {list.data.map((account) => <StaffRow key={account.id} account={account} />)}
        </Table>
      )}
    </>
  );
}

function StaffRow({ account }: { account: StaffAccount }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState<{ text: string; bad?: boolean } | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const done = (text: string) => async () => {
    setNote({ text });
    await queryClient.invalidateQueries(trpc.staff.pathFilter());
  };
  const failed = (error: { message: string }) => setNote({ text: `Not done: ${error.message}`, bad: true });
  const setRole = useMutation(trpc.staff.setRole.mutationOptions({ onSuccess: done("Role changed."), onError: failed }));
  const setDisabled = useMutation(trpc.staff.setDisabled.mutationOptions({ onSuccess: done(account.disabledAt ? "Enabled." : "Disabled."), onError: failed }));
  const resetTwoFactor = useMutation(trpc.staff.resetTwoFactor.mutationOptions({ onSuccess: done("Two-factor reset."), onError: failed }));
  const reset = useMutation(trpc.staff.resetPassword.mutationOptions({
    onSuccess: async ({ oneTimePassword }) => {
      setPassword(oneTimePassword);
      await done("Password reset.")();
    },
    onError: failed,
  }));
  return (
    <tr aria-label={account.email}>
      <Td>
        <span className="font-medium">{account.email}</span>
        {account.name ? <span className="ml-2 text-slate-500">{account.name}</span> : null}
      </Td>
      <Td>
        <label className="sr-only" htmlFor={`role-${account.id}`}>Role of {account.email}</label>
        <select
          id={`role-${account.id}`}
          value={account.role}
          disabled={setRole.isPending}
          onChange={(e) => setRole.mutate({ id: account.id, role: e.target.value as Role })}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
        >
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </Td>
      <Td>
        {account.disabledAt ? <Badge tone="bad">disabled</Badge> : <Badge tone="good">enabled</Badge>}{" "}
        {account.mustChangePassword ? <Badge tone="warn">must change password</Badge> : null}
        {!account.hasPassword ? <Badge tone="info">single sign-on</Badge> : null}
        {account.twoFactor ? <Badge tone="good">two-factor</Badge> : null}
      </Td>
      <Td><DateTime value={account.lastLoginAt} /></Td>
      <Td className="whitespace-normal">
        <div className="flex flex-wrap gap-2">
          <Button variant={account.disabledAt ? "primary" : "danger"} disabled={setDisabled.isPending} onClick={() => setDisabled.mutate({ id: account.id, disabled: !account.disabledAt })}>
            {account.disabledAt ? "Enable" : "Disable"}
          </Button>
          <Button disabled={reset.isPending} onClick={() => reset.mutate({ id: account.id })}>Reset password</Button>
          {account.twoFactor ? (
            <Button disabled={resetTwoFactor.isPending} onClick={() => resetTwoFactor.mutate({ id: account.id })}>Reset two-factor</Button>
          ) : null}
        </div>
        <p role="status" aria-live="polite" className={`mt-1 text-sm ${note?.bad ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-400"}`}>{note?.text}</p>
        {password ? <OneTimePassword email={account.email} password={password} /> : null}
      </Td>
    </tr>
  );
}
