"use client";
// Revoke / restore a device (operators only), with a confirm step. The server checks the role again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";

export function RevokeControl({ device }: { device: { id: string; deviceId: string; userId: string; status: "active" | "revoked" } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const allowed = useCan("operator");
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const revoking = device.status === "active";

  const options = {
    onSuccess: async (outcome: { changed: boolean }) => {
      setConfirming(false);
      const done = revoking ? "revoked" : "restored";
      setNote(outcome.changed ? `Device ${done}.` : `The device was already ${done}; nothing changed.`);
      await queryClient.invalidateQueries(trpc.devices.pathFilter());
    },
    onError: (error: { message: string }) => setNote(`Not done: ${error.message}`),
  };
  const revoke = useMutation(trpc.devices.revoke.mutationOptions(options));
  const restore = useMutation(trpc.devices.restore.mutationOptions(options));
  const pending = revoke.isPending || restore.isPending;

  if (!allowed) return null;
  return (
    <div className="flex flex-col items-end gap-2">
      {confirming ? (
        <div role="group" aria-label={revoking ? "Confirm revoke" : "Confirm restore"} className="max-w-sm rounded-md border border-slate-300 bg-white p-3 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-900">
          <p className="mb-2">
            {revoking
              ? <>Revoke <b className="font-mono">{device.deviceId}</b> of user <b className="font-mono">{device.userId}</b>? Its next request is refused (403 device_revoked) until it is restored.</>
              : <>Restore <b className="font-mono">{device.deviceId}</b>? It may sync again on its next request.</>}
          </p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)} disabled={pending}>Cancel</Button>
            <Button
              // Focus moves to the confirm button so a keyboard user can confirm or Tab to Cancel.
              autoFocus
              variant={revoking ? "danger" : "primary"}
              disabled={pending}
              onClick={() => (revoking ? revoke : restore).mutate({ id: device.id })}
            >
              {pending ? "Working…" : revoking ? "Yes, revoke" : "Yes, restore"}
            </Button>
          </div>
        </div>
      ) : (
        <Button variant={revoking ? "danger" : "primary"} onClick={() => { setNote(null); setConfirming(true); }}>
          {revoking ? "Revoke device" : "Restore device"}
        </Button>
      )}
      <p role="status" aria-live="polite" data-testid="device-action-status" className="text-sm text-slate-600 dark:text-slate-400">{note}</p>
    </div>
  );
}
