"use client";
// "Compact now" (operators only), with a confirm step; the run is audited as the operator. The
// server checks the role again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";
import { summarizeResult } from "./format";

export function CompactNow() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allowed = useCan("operator");
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const compact = useMutation(
    trpc.compaction.compactNow.mutationOptions({
      onSuccess: async (run) => {
        setConfirming(false);
        setNote(run.status === "succeeded" ? `Compaction done: ${summarizeResult(run.result)}` : `Compaction failed: ${run.error}`);
        await queryClient.invalidateQueries(trpc.compaction.pathFilter());
      },
      onError: (error) => {
        setConfirming(false);
        setNote(`Not done: ${error.message}`);
      },
    }),
  );

  if (!allowed) return null;
  return (
    <div className="flex flex-col items-end gap-2">
      {confirming ? (
        <div role="group" aria-label="Confirm compaction" className="max-w-sm rounded-md border border-slate-300 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900">
          <p className="mb-2">
            Compact every stream now? History past the policy is deleted; devices whose checkpoint it passes must bootstrap again.
          </p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)} disabled={compact.isPending}>Cancel</Button>
            <Button autoFocus variant="danger" disabled={compact.isPending} onClick={() => compact.mutate({})}>
              {compact.isPending ? "Compacting…" : "Yes, compact"}
            </Button>
          </div>
        </div>
      ) : (
        <Button variant="primary" onClick={() => { setNote(null); setConfirming(true); }}>Compact now</Button>
      )}
      <p role="status" aria-live="polite" data-testid="compaction-action-status" className="text-sm text-slate-600 dark:text-slate-400">{note}</p>
    </div>
  );
}
