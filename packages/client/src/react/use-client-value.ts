// The one pattern every hook shares: read something from the client, and read it again whenever
// the client says its local state moved (an edit queued, a pull page, a push answer, a bootstrap).
// Reads may finish out of order; only the latest one is kept.
import { useEffect, useRef, useState } from "react";
import type { SyncClient } from "../client";
import type { SyncEvents } from "../context";
import type { TypeMap } from "../types";

/**
 * The events after which local reads may answer differently; `sync` covers what has no event of
 * its own (a bootstrap's pages are written after its `bootstrap` event).
 */
export const CHANGE_EVENTS = [
  "local", "changes", "applied", "mapped", "bootstrap", "conflict", "resolved", "recovery", "sync",
] as const satisfies readonly (keyof SyncEvents)[];

export type Loaded<V> = { loading: boolean; error: unknown; value: V };

export function useClientValue<T extends TypeMap<T>, V>(
  client: SyncClient<T>,
  read: () => Promise<V>,
  initial: V,
  deps: readonly unknown[],
): Loaded<V> {
  const [state, setState] = useState<Loaded<V>>({ loading: true, error: null, value: initial });
  // The latest `read`, so the subscription below need not be redone when the closure changes.
  const readRef = useRef(read);
  readRef.current = read;

  useEffect(() => {
    let latest = 0;
    let active = true;
    const reload = () => {
      const ticket = ++latest;
      readRef.current().then(
        (value) => active && ticket === latest && setState({ loading: false, error: null, value }),
        (error: unknown) => active && ticket === latest && setState((s) => ({ ...s, loading: false, error })),
      );
    };
    const unsubscribe = CHANGE_EVENTS.map((name) => client.on(name, reload));
    reload();
    return () => {
      active = false;
      for (const off of unsubscribe) off();
    };
    // `deps` are the caller's inputs of `read` (type, id, stream): a new one reads again.
  }, [client, ...deps]);

  return state;
}
