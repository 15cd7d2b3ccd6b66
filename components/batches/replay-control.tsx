"use client";
// Replay (operators only): re-process the items that did not apply, show the outcome, refresh.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";

export function ReplayControl({ batchId, retriable, revoked }: { batchId: string; retriable: number; revoked: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allowed = useCan("operator");
  const [note, setNote] = useState<{ tone: "ok" | "bad"; text: string } | null>(null);
  const replay = useMutation(trpc.batches.replay.mutationOptions({
    onSuccess: async (outcome) => {
      setNote({ tone: outcome.status === "applied" || !outcome.replayed ? "ok" : "bad", text: outcome.message });
      await queryClient.invalidateQueries(trpc.batches.pathFilter());
      await queryClient.invalidateQueries(trpc.devices.pathFilter());
    },
    onError: (error) => setNote({ tone: "bad", text: `Replay refused: ${error.message}` }),
  }));

  if (!allowed) return null;
  const hint = revoked
    ? "The device is revoked: restore it before replaying."
    : retriable === 0
      ? "Nothing to replay: every item applied or waits on a conflict."
      : `${retriable} item(s) will be re-processed through the sync engine.`;
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="primary" disabled={replay.isPending || revoked} onClick={() => { setNote(null); replay.mutate({ id: batchId }); }}>
        {replay.isPending ? "Replaying…" : "Replay failed items"}
      </Button>
      <p className="text-xs text-slate-500">{hint}</p>
      <p
        role="status"
        aria-live="polite"
        data-testid="replay-outcome"
        className={`text-sm ${note?.tone === "bad" ? "text-red-700 dark:text-red-300" : "text-emerald-700 dark:text-emerald-300"}`}
      >
        {note?.text}
      </p>
    </div>
  );
}
