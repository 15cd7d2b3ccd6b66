// At most N requests of one kind doing their work at once in this process; the others wait in
// arrival order and go on as places free up. Why for pushes (issue 21): with 50 pushes in flight
// on one instance, each held its parsed body, zod's copy and its texts for the ~0.6 s the whole
// queue took to drain, so scavenges promoted them and the old generation grew by ~70 MiB of what
// died soon after. Waiting before the body is parsed (its bytes are read, outside V8's heap),
// a push's objects live only for its own work. The instance cannot go faster than its database
// pool and its one thread anyway, so the bound costs no throughput when it covers both.
import { processSingleton } from "../process-singleton";

export type WorkGate = {
  /** Waits for a place; resolves with the function that gives it back (call it once). */
  enter(): Promise<() => void>;
  /** Holders now, and requests waiting for a place. */
  load(): { inFlight: number; waiting: number };
};

/** `size()` is read on each entry (0: no bound), so the environment may be read late. */
export function createWorkGate(size: () => number): WorkGate {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const leave = () => {
    const next = waiting.shift();
    // The place passes straight to the next in line: a newcomer cannot take it in between.
    if (next) next();
    else inFlight--;
  };
  const ticket = () => {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
    };
  };
  return {
    enter() {
      const max = size();
      if (max <= 0 || inFlight < max) {
        inFlight++;
        return Promise.resolve(ticket());
      }
      return new Promise((resolve) => waiting.push(() => resolve(ticket())));
    },
    load: () => ({ inFlight, waiting: waiting.length }),
  };
}

declare module "../process-singleton" {
  interface ProcessSingletons {
    workGates: Map<string, WorkGate>;
  }
}

/** The process's gate named `name` (one per process, whichever module copy asks: process-singleton.ts). */
export function workGate(name: string, size: () => number): WorkGate {
  const gates = processSingleton("workGates", () => new Map<string, WorkGate>());
  let gate = gates.get(name);
  if (!gate) {
    gate = createWorkGate(size);
    gates.set(name, gate);
  }
  return gate;
}
