// The open live-update connections of this process, for the work they share: one heartbeat
// timer per interval for all of them (not a timer each), and one flush per turn of the event loop
// for every connection a commit touched (not a timeout each). Thousands of connections then cost
// a set entry each here, and a commit poking all of them writes them in one pass (bench, "Live").
// One registry per process (server/process-singleton.ts).
import { processSingleton } from "../process-singleton";

export type Beating = {
  /** Writes a heartbeat comment (when the client keeps up). */
  beat(): void;
  /** Writes what is pending (pokes); called once per flush pass when marked. */
  flush(): void;
};

type Heartbeat = { members: Set<Beating>; timer: ReturnType<typeof setInterval> };
type Registry = { heartbeats: Map<number, Heartbeat>; dirty: Set<Beating>; flushing: boolean };

declare module "../process-singleton" {
  interface ProcessSingletons {
    liveConnectionSet: Registry;
  }
}

const registry = () => processSingleton("liveConnectionSet", (): Registry => ({ heartbeats: new Map(), dirty: new Set(), flushing: false }));

/** Beats `connection` every `seconds` until the returned stop is called. */
export function joinHeartbeat(connection: Beating, seconds: number): () => void {
  const { heartbeats } = registry();
  let heartbeat = heartbeats.get(seconds);
  if (!heartbeat) {
    const members = new Set<Beating>();
    // unref: open connections keep the server's socket alive anyway; the timer must not.
    const timer = setInterval(() => members.forEach((m) => m.beat()), seconds * 1000);
    timer.unref();
    heartbeat = { members, timer };
    heartbeats.set(seconds, heartbeat);
  }
  heartbeat.members.add(connection);
  const joined = heartbeat;
  return () => {
    joined.members.delete(connection);
    registry().dirty.delete(connection);
    if (joined.members.size === 0 && heartbeats.get(seconds) === joined) {
      clearInterval(joined.timer);
      heartbeats.delete(seconds);
    }
  };
}

/** Flushes `connection` in the next flush pass (one pass per event-loop turn for all marked). */
export function markForFlush(connection: Beating): void {
  const state = registry();
  state.dirty.add(connection);
  if (state.flushing) return;
  state.flushing = true;
  setImmediate(() => {
    state.flushing = false;
    const batch = [...state.dirty];
    state.dirty.clear();
    for (const c of batch) c.flush();
  });
}

/** Connections beating in this process (all intervals). */
export function beatingCount(): number {
  let count = 0;
  for (const { members } of registry().heartbeats.values()) count += members.size;
  return count;
}
