"use client";
// An admin creates a staff account; its one-time password is shown once, to hand over.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import { Button, Card } from "@/components/ui/primitives";
import { ROLES, type Role } from "@/server/staff/roles";
import { OneTimePassword } from "./one-time-password";

const field = "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

export function CreateStaffForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const create = useMutation(trpc.staff.create.mutationOptions({
    onSuccess: async ({ account, oneTimePassword }) => {
      setCreated({ email: account.email, password: oneTimePassword });
      await queryClient.invalidateQueries(trpc.staff.pathFilter());
    },
  }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    setCreated(null);
    create.mutate({ email: String(form.get("email") ?? ""), role: String(form.get("role")) as Role, ...(name ? { name } : {}) });
  }

  return (
    <Card title="Add a staff account" className="mb-4">
      <form onSubmit={submit} aria-label="Add a staff account" className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400">Email<input name="email" type="email" required className={field} /></label>
        <label className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400">Name<input name="name" className={field} /></label>
        <label className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400">
          Role
          <select name="role" defaultValue="viewer" className={field}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>
        </label>
        <Button type="submit" variant="primary" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create account"}</Button>
      </form>
      {create.isError ? <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{create.error.message}</p> : null}
      {created ? <OneTimePassword email={created.email} password={created.password} /> : null}
    </Card>
  );
}
