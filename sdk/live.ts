// client.live(): sync now, then again whenever the server pokes over SSE, and at least every
// `intervalMs`. Without a live stream (no endpoint, or a fetch that cannot stream) it just polls.
import { readEvents } from "./events";
import type { Sleep } from "./retry";

export type LiveOptions = {
  intervalMs?: number;
  /** Called with every failed sync (the loop goes on). */
  onError?: (error: unknown) => void;
};

export type Live = { stop(): Promise<void> };

type Deps = LiveOptions & {
  sync: () => Promise<unknown>;
  open: (signal: AbortSignal) => Promise<Response>;
  sleep: Sleep;
};

export function startLive(deps: Deps): Live {
  const interval = deps.intervalMs ?? 30_000;
  const abort = new AbortController();
  let stopped = false;
  let wake: (() => void) | null = null;
  const poke = () => wake?.();

  const waitForPoke = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const syncLoop = (async () => {
    while (!stopped) {
      try {
        await deps.sync();
      } catch (error) {
        deps.onError?.(error);
      }
      if (!stopped) await waitForPoke();
    }
  })();

  const eventLoop = (async () => {
    for (let failures = 0; !stopped; ) {
      try {
        const outcome = await readEvents(() => deps.open(abort.signal), poke);
        if (outcome === "unsupported") return;
        failures = 0;
      } catch {
        failures += 1;
      }
      if (!stopped) await deps.sleep(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
    }
  })();

  return {
    async stop() {
      stopped = true;
      abort.abort();
      poke();
      await Promise.all([syncLoop, eventLoop.catch(() => undefined)]);
    },
  };
}
