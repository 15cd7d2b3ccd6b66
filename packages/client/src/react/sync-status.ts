// useSyncStatus: whether a sync runs now, how many local edits wait, when the last sync finished
// and why the last one failed (cleared by the next success), from the client's events.
import { useEffect, useState } from "react";
import type { SyncClient } from "../client";
import type { TypeMap } from "../types";
import { CHANGE_EVENTS } from "./use-client-value";

export type SyncStatus = {
  syncing: boolean;
  /** Local edits not yet confirmed by the server (the outbox). */
  pending: number;
  lastSyncedAt: Date | null;
  /** The last sync's error, until a sync succeeds. */
  error: unknown;
};

const INITIAL: SyncStatus = { syncing: false, pending: 0, lastSyncedAt: null, error: null };

export function useSyncStatus<T extends TypeMap<T>>(client: SyncClient<T>): SyncStatus {
  const [status, setStatus] = useState<SyncStatus>(INITIAL);

  useEffect(() => {
    let active = true;
    let latest = 0;
    const countPending = () => {
      const ticket = ++latest;
      void client.pendingCount().then(
        (pending) => active && ticket === latest && setStatus((s) => ({ ...s, pending })),
        () => undefined, // a storage read failing here is reported by the next sync
      );
    };
    const offSync = client.on("sync", (event) => {
      if (event.state === "started") setStatus((s) => ({ ...s, syncing: true }));
      else if (event.state === "finished") setStatus((s) => ({ ...s, syncing: false, lastSyncedAt: new Date(), error: null }));
      else setStatus((s) => ({ ...s, syncing: false, error: event.error }));
      countPending();
    });
    const offChanges = CHANGE_EVENTS.map((name) => client.on(name, countPending));
    countPending();
    return () => {
      active = false;
      offSync();
      for (const off of offChanges) off();
    };
  }, [client]);

  return status;
}
