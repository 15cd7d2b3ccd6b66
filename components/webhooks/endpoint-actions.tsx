"use client";
// What an admin does to an endpoint: disable or enable it, rotate its secret (the new one shown
// once), remove it; removing and rotating ask for confirmation first.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";
import type { ConsoleWebhook } from "@/server/webhooks/console";
import { ShownOnceSecret } from "./shown-once-secret";

type Confirming = "rotate" | "delete" | null;

export function EndpointActions({ webhook }: { webhook: ConsoleWebhook }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries(trpc.webhooks.pathFilter());
  const onError = (error: { message: string }) => setNote(`Not done: ${error.message}`);
  const toggle = useMutation(trpc.webhooks.setDisabled.mutationOptions({ onSuccess: refresh, onError }));
  const rotate = useMutation(trpc.webhooks.rotateSecret.mutationOptions({
    onSuccess: (answer) => { setConfirming(null); setSecret(answer.secret); },
    onError,
  }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh, onError }));
  const disabled = webhook.disabledAt !== null;
  const busy = toggle.isPending || rotate.isPending || remove.isPending;

  return (
    <div className="flex flex-col items-start gap-2 whitespace-normal">
      <div className="flex flex-wrap gap-2">
        <Button disabled={busy} onClick={() => { setNote(null); toggle.mutate({ id: webhook.id, disabled: !disabled }); }} aria-label={`${disabled ? "Enable" : "Disable"} ${webhook.url}`}>
          {disabled ? "Enable" : "Disable"}
        </Button>
        <Button disabled={busy} onClick={() => { setNote(null); setSecret(null); setConfirming("rotate"); }} aria-label={`Rotate the secret of ${webhook.url}`}>Rotate secret</Button>
        <Button variant="danger" disabled={busy} onClick={() => { setNote(null); setConfirming("delete"); }} aria-label={`Remove ${webhook.url}`}>Remove</Button>
      </div>
      {confirming ? (
        <div role="group" aria-label={confirming === "rotate" ? `Confirm rotating the secret of ${webhook.url}` : `Confirm removing ${webhook.url}`}
          className="max-w-xs rounded-md border border-slate-300 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900">
          <p className="mb-2">
            {confirming === "rotate"
              ? "A new secret signs every request from now on; your receiver must have it before the next event."
              : "Nothing more is sent to it, and its deliveries are removed. This cannot be undone."}
          </p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setConfirming(null)} disabled={busy}>Cancel</Button>
            <Button autoFocus variant="danger" disabled={busy}
              onClick={() => (confirming === "rotate" ? rotate.mutate({ id: webhook.id }) : remove.mutate({ id: webhook.id }))}>
              {confirming === "rotate" ? "Yes, rotate" : "Yes, remove"}
            </Button>
          </div>
        </div>
      ) : null}
      {secret ? <ShownOnceSecret url={webhook.url} secret={secret} rotated /> : null}
      <p role="status" aria-live="polite" className="text-sm text-red-700 dark:text-red-400">{note}</p>
    </div>
  );
}
