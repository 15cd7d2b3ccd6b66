"use client";
// The actions on an open conflict (support and above): accept server, accept client (each
// confirmed first) or a manual merge. Every resolution names the record version on screen, so a
// record that moved on meanwhile is refused and shown, never overwritten silently.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";
import type { ConsoleConflict } from "@/server/conflicts/console-get";
import { readConsoleError, type ConsoleError } from "./app-error";
import { MergeEditor, type SaveRefusal } from "./merge-editor";

export type Mode = "idle" | "accept_server" | "accept_client" | "merge";

const CONFIRM_TEXT = {
  accept_server: "Keep the server's record as it is and close the conflict.",
  accept_client: "Write the client's version of the record; devices receive it on their next pull.",
} as const;

export function ResolvePanel({ view, mode, onMode, fromPicks }: {
  view: ConsoleConflict;
  mode: Mode;
  onMode: (mode: Mode) => void;
  fromPicks: Record<string, unknown>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<ConsoleError | null>(null);
  const [refusal, setRefusal] = useState<SaveRefusal | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  const shownVersion = view.current?.version ?? 0;
  const clientDeletes = view.conflict.client_action === "delete";

  const resolve = useMutation(trpc.conflicts.resolve.mutationOptions({
    onSuccess: async () => {
      setFailure(null);
      onMode("idle");
      await queryClient.invalidateQueries(trpc.conflicts.pathFilter());
      await queryClient.invalidateQueries(trpc.overview.pathFilter());
    },
    onError: async (error, variables) => {
      const read = readConsoleError(error);
      setFailure(read);
      if (variables.data && read.fields.length) setRefusal({ data: variables.data, fields: read.fields });
      // A refusal means the page is out of date: fetch the record as it is now.
      if (read.appCode === "conflict") await queryClient.invalidateQueries(trpc.conflicts.get.queryFilter({ id: view.conflict.id }));
      messageRef.current?.focus();
    },
  }));

  const submit = (resolution: "accept_server" | "accept_client" | "manual_merge", data?: Record<string, unknown>) =>
    resolve.mutate({ id: view.conflict.id, resolution, expectedVersion: shownVersion, ...(data ? { data } : {}) });

  return (
    <section aria-labelledby="resolve-heading" className="mt-6">
      <h2 id="resolve-heading" className="mb-2 text-sm font-semibold">Resolve</h2>
      <div ref={messageRef} tabIndex={-1} aria-live="assertive" className="focus:outline-none">
        {failure ? <FailureNote failure={failure} /> : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <Button aria-pressed={mode === "accept_server"} onClick={() => onMode("accept_server")} disabled={resolve.isPending}>Accept server</Button>
        <Button aria-pressed={mode === "accept_client"} onClick={() => onMode("accept_client")} disabled={resolve.isPending}>
          Accept client{clientDeletes ? " (delete)" : ""}
        </Button>
        <Button aria-pressed={mode === "merge"} onClick={() => onMode("merge")} disabled={resolve.isPending}>Manual merge</Button>
      </div>
      {mode === "accept_server" || mode === "accept_client" ? (
        <div role="group" aria-label="Confirm" className="mt-4 rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800">
          <p>{mode === "accept_client" && clientDeletes ? "Delete the record, as the client asked; devices receive the deletion on their next pull." : CONFIRM_TEXT[mode]}</p>
          <p className="mt-1 text-xs text-slate-500">Applies to record version {shownVersion} only.</p>
          <div className="mt-3 flex gap-2">
            <Button variant="primary" autoFocus disabled={resolve.isPending} onClick={() => submit(mode)}>
              {resolve.isPending ? "Resolving…" : mode === "accept_server" ? "Confirm: accept server" : "Confirm: accept client"}
            </Button>
            <Button onClick={() => onMode("idle")}>Cancel</Button>
          </div>
        </div>
      ) : null}
      {mode === "merge" ? (
        <MergeEditor
          conflictId={view.conflict.id}
          fromPicks={fromPicks}
          saving={resolve.isPending}
          refusal={refusal}
          onSave={(data) => submit("manual_merge", data)}
          onCancel={() => onMode("idle")}
        />
      ) : null}
    </section>
  );
}

function FailureNote({ failure }: { failure: ConsoleError }) {
  const stale = failure.stale;
  return (
    <div role="alert" className="mb-3 rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
      {stale ? (
        <>
          <p className="font-medium">Not saved: the record changed while you were deciding (now version {stale.current_version}).</p>
          <p className="mt-1">The page now shows the new value. Review it and resolve again.</p>
        </>
      ) : (
        <p className="font-medium">Not saved: {failure.message}</p>
      )}
    </div>
  );
}
