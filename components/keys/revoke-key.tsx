"use client";
// Revoking a service key, with a confirm step: the backend using it gets 401 from its next request,
// and a revoked key cannot be restored (create a new one instead).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";

export function RevokeKey({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries(trpc.keys.pathFilter());
    },
    onError: (error) => setNote(`Not done: ${error.message}`),
  }));
  return (
    <div className="flex flex-col items-start gap-2">
      {confirming ? (
        <div role="group" aria-label={`Confirm revoking ${name}`} className="max-w-xs whitespace-normal rounded-md border border-slate-300 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900">
          <p className="mb-2">Revoke <b className="font-mono">{name}</b>? Every request with it is refused (401) from now on. This cannot be undone.</p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)} disabled={revoke.isPending}>Cancel</Button>
            {/* Focus moves to the confirm button so a keyboard user can confirm or Tab to Cancel. */}
            <Button autoFocus variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ name })}>
              {revoke.isPending ? "Revoking…" : "Yes, revoke"}
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="danger" onClick={() => { setNote(null); setConfirming(true); }} aria-label={`Revoke ${name}`}>Revoke</Button>
      )}
      <p role="status" aria-live="polite" className="text-sm text-red-700 dark:text-red-400">{note}</p>
    </div>
  );
}
