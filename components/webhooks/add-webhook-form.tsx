"use client";
// An admin adds an endpoint: its URL and the stream patterns it receives (every stream if none).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { readConsoleError } from "@/components/conflicts/app-error";
import { parseStreams } from "@/components/keys/form-input";
import { useTRPC } from "@/components/trpc";
import { Button, Card } from "@/components/ui/primitives";
import { ShownOnceSecret } from "./shown-once-secret";

const input = "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const label = "flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400";

export function AddWebhookForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const create = useMutation(trpc.webhooks.create.mutationOptions({
    onSuccess: async ({ secret }, { url }) => {
      setCreated({ url, secret });
      await queryClient.invalidateQueries(trpc.webhooks.pathFilter());
    },
  }));
  const failure = create.isError ? readConsoleError(create.error) : null;
  const fieldError = (field: string) => failure?.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`))?.message;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const streams = parseStreams(String(form.get("streams") ?? ""));
    setCreated(null);
    create.mutate({ url: String(form.get("url") ?? "").trim(), ...(streams.length ? { streams } : {}) });
  }

  return (
    <Card title="Add an endpoint" className="mb-4">
      <form onSubmit={submit} aria-label="Add a webhook endpoint" noValidate className="flex flex-wrap items-start gap-4">
        <div className="flex flex-col">
          <label className={label}>
            URL
            <input name="url" type="url" placeholder="https://backend.example.com/syncdesk" autoComplete="off" size={40}
              aria-invalid={Boolean(fieldError("url"))} aria-describedby={fieldError("url") ? "webhook-url-error" : undefined} className={input} />
          </label>
          {fieldError("url") ? <span id="webhook-url-error" className="mt-1 text-xs text-red-700 dark:text-red-400">{fieldError("url")}</span> : null}
        </div>
        <div className="flex flex-col">
          <label className={label}>
            Streams (patterns; empty: every stream)
            <textarea name="streams" rows={2} placeholder={"org:*\nuser:ada"} aria-invalid={Boolean(fieldError("streams"))}
              aria-describedby={fieldError("streams") ? "webhook-streams-error" : undefined} className={`${input} font-mono`} />
          </label>
          {fieldError("streams") ? <span id="webhook-streams-error" className="mt-1 text-xs text-red-700 dark:text-red-400">{fieldError("streams")}</span> : null}
        </div>
        <Button type="submit" variant="primary" disabled={create.isPending} className="mt-5">{create.isPending ? "Adding…" : "Add endpoint"}</Button>
      </form>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">Each committed bundle of a matching stream is sent as <code className="font-mono">bundle.committed</code>.</p>
      {failure ? <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{failure.fields.length ? "Not added: fix the fields marked above." : `Not added: ${failure.message}`}</p> : null}
      {created ? <ShownOnceSecret url={created.url} secret={created.secret} rotated={false} /> : null}
    </Card>
  );
}
