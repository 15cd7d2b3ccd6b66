"use client";
// "Restore this version" / "Undelete" (operators only): asks why, then writes the old value as the
// record's next version. The server checks the role again and refuses if the record moved on.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useCan } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";
import type { RecordKeyRef } from "./links";

export function RestoreControl({ recordKey, currentVersion, version }: { recordKey: RecordKeyRef; currentVersion: number; version?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allowed = useCan("operator");
  const reasonId = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const undelete = version === undefined;
  const label = undelete ? "Undelete" : "Restore this version";
  const restore = useMutation(trpc.records.restore.mutationOptions({
    onSuccess: async (record) => {
      setOpen(false);
      setReason("");
      setNote(undelete ? `Undeleted as version ${record.version}.` : `Version ${version} restored as version ${record.version}.`);
      await queryClient.invalidateQueries(trpc.records.pathFilter());
    },
    onError: (error) => setNote(`Not done: ${error.message}`),
  }));
  if (!allowed) return null;
  return (
    <div className="flex flex-col items-end gap-2">
      {open ? (
        <form
          aria-label={undelete ? "Confirm undelete" : `Confirm restore of version ${version}`}
          className="w-80 rounded-md border border-slate-300 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900"
          onSubmit={(e) => {
            e.preventDefault();
            restore.mutate({ ...recordKey, ...(undelete ? {} : { version }), expectedVersion: currentVersion, reason });
          }}
        >
          <p className="mb-2">
            {undelete ? "Bring the record back with the data it had when deleted?" : `Write version ${version}'s data as the new current version?`} Devices receive it on their next pull.
          </p>
          <label htmlFor={reasonId} className="block text-xs font-medium text-slate-600 dark:text-slate-400">Reason (kept in the audit log)</label>
          <textarea id={reasonId} required minLength={3} maxLength={500} autoFocus value={reason} onChange={(e) => setReason(e.target.value)} rows={2}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950" />
          <div className="mt-2 flex justify-end gap-2">
            <Button onClick={() => setOpen(false)} disabled={restore.isPending}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={restore.isPending || reason.trim().length < 3}>
              {restore.isPending ? "Working…" : undelete ? "Yes, undelete" : "Yes, restore"}
            </Button>
          </div>
        </form>
      ) : (
        <Button variant={undelete ? "primary" : "secondary"} onClick={() => { setNote(null); setOpen(true); }}>{label}</Button>
      )}
      {note ? <p role="status" aria-live="polite" className="text-sm text-slate-600 dark:text-slate-400">{note}</p> : null}
    </div>
  );
}
