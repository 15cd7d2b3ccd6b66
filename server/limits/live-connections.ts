// At most N live-update (SSE) connections per device in this process. The N+1th connection is
// admitted and the device's oldest one is ended: after a network change a phone's old
// connection often lingers half-open until a heartbeat fails, and the newest is the one alive.
// One registry per process (server/process-singleton.ts).
import { processSingleton } from "../process-singleton";

type Entry = { replace: () => void };

declare module "../process-singleton" {
  interface ProcessSingletons {
    liveConnections: Map<string, Entry[]>;
  }
}

function registry(): Map<string, Entry[]> {
  return processSingleton("liveConnections", () => new Map());
}

/**
 * Registers a connection of `device`; when it has more than `max` (0: unlimited), ends the
 * oldest ones through their `replace`. Returns the release to call when this connection closes.
 */
export function admitLiveConnection(device: string, max: number, replace: () => void): () => void {
  const entry: Entry = { replace };
  const list = registry().get(device) ?? [];
  list.push(entry);
  registry().set(device, list);
  while (max > 0 && list.length > max) list.shift()?.replace();
  return () => {
    const index = list.indexOf(entry);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0 && registry().get(device) === list) registry().delete(device);
  };
}

/** Live connections of a device in this process. */
export function liveConnectionCount(device: string): number {
  return registry().get(device)?.length ?? 0;
}
