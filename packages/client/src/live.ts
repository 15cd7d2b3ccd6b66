// client.live(): sync now, then again whenever the server pokes over SSE, and at least every
// `intervalMs`. Without a live stream (no endpoint, or a fetch that cannot stream) it just polls.
import { readEvents } from "./events";

export type LiveOptions = {
  intervalMs?: number;
  /** Called with every failed sync (the loop goes on). */
  onError?: (error: unknown) => void;
};

export type Live = { stop(): Promise<void> };

type Deps = LiveOptions & {
  sync: () => Promise<unknown>;
  open: (signal: AbortSignal) => Promise<Response>;
};

/** A wait that ends early when the live loop stops. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

export function startLive(deps: Deps): Live {
  const interval = deps.intervalMs ?? 30_000;
  const abort = new AbortController();
  let stopped = false;
  let wake: (() => void) | null = null;
  let poked = false; // a poke during a sync: sync again right after it
  const poke = () => {
    poked = true;
    wake?.();
  };

  const waitForPoke = () =>
    new Promise<void>((resolve) => {
      if (poked) return resolve();
      const timer = setTimeout(resolve, interval);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  let firstSync: () => void = () => {};
  const synced = new Promise<void>((resolve) => (firstSync = resolve));

  const syncLoop = (async () => {
    for (let round = 0; !stopped; round++) {
      poked = false;
      try {
        await deps.sync();
      } catch (error) {
        deps.onError?.(error);
      }
      if (round === 0) firstSync();
      if (!stopped) await waitForPoke();
    }
  })();

  const eventLoop = (async () => {
    await synced; // the stream is opened with the pull token the first sync stores
    for (let failures = 0; !stopped; ) {
      try {
        const outcome = await readEvents(() => deps.open(abort.signal), poke);
        if (outcome === "unsupported") return;
        failures = 0;
      } catch {
        failures += 1;
      }
      if (!stopped) await pause(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)), abort.signal);
    }
  })();

  return {
    async stop() {
      stopped = true;
      abort.abort();
      firstSync();
      poke();
      await Promise.all([syncLoop, eventLoop.catch(() => undefined)]);
    },
  };
}
