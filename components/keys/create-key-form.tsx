"use client";
// An admin creates a service key: a name, its scopes and stream patterns. The server validates
// with the same schema as `npm run key:create`; each refusal is shown beside its field.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { readConsoleError } from "@/components/conflicts/app-error";
import { useTRPC } from "@/components/trpc";
import { Button, Card } from "@/components/ui/primitives";
import { SCOPE_OPTIONS, fieldErrorsOf, isScope, parseStreams, type KeyField } from "./form-input";
import { ShownOnceKey } from "./shown-once-key";

const input = "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const label = "flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400";

export function CreateKeyForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const create = useMutation(trpc.keys.create.mutationOptions({
    onSuccess: async ({ key, summary }) => {
      setCreated({ name: summary.name, secret: key });
      await queryClient.invalidateQueries(trpc.keys.pathFilter());
    },
  }));
  const failure = create.isError ? readConsoleError(create.error) : null;
  const errors = fieldErrorsOf(failure?.fields ?? []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setCreated(null);
    create.mutate({
      name: String(form.get("name") ?? ""),
      scopes: form.getAll("scopes").map(String).filter(isScope),
      streams: parseStreams(String(form.get("streams") ?? "")),
    });
  }

  const describe = (field: KeyField) => (errors[field] ? `key-${field}-error` : undefined);
  return (
    <Card title="Create a service key" className="mb-4">
      <form onSubmit={submit} aria-label="Create a service key" noValidate className="flex flex-wrap items-start gap-4">
        <div className="flex flex-col">
          <label className={label}>
            Name
            <input name="name" autoComplete="off" aria-invalid={Boolean(errors.name)} aria-describedby={describe("name")} className={input} />
          </label>
          <FieldError field="name" message={errors.name} />
        </div>
        <fieldset aria-describedby={describe("scopes")} className="text-xs font-medium text-slate-600 dark:text-slate-400">
          <legend>Scopes</legend>
          <div className="mt-2 flex gap-3">
            {SCOPE_OPTIONS.map((o) => (
              <label key={o.value} title={o.hint} className="flex items-center gap-1 text-sm font-normal text-slate-800 dark:text-slate-200">
                <input type="checkbox" name="scopes" value={o.value} defaultChecked={o.value === "read"} /> {o.value}
              </label>
            ))}
          </div>
          <FieldError field="scopes" message={errors.scopes} />
        </fieldset>
        <div className="flex flex-col">
          <label className={label}>
            Streams (one pattern per line or comma separated)
            <textarea name="streams" rows={2} placeholder={"org:acme\norg:*"} aria-invalid={Boolean(errors.streams)} aria-describedby={describe("streams")} className={`${input} font-mono`} />
          </label>
          <FieldError field="streams" message={errors.streams} />
        </div>
        <Button type="submit" variant="primary" disabled={create.isPending} className="mt-5">{create.isPending ? "Creating…" : "Create key"}</Button>
      </form>
      {failure ? <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{failure.fields.length ? "Not created: fix the fields marked above." : `Not created: ${failure.message}`}</p> : null}
      {created ? <ShownOnceKey name={created.name} secret={created.secret} /> : null}
    </Card>
  );
}

function FieldError({ field, message }: { field: KeyField; message: string | undefined }) {
  return message ? <span id={`key-${field}-error`} className="mt-1 max-w-xs text-xs font-normal text-red-700 dark:text-red-400">{message}</span> : null;
}
