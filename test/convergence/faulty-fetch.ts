// A fetch that loses requests the way a mobile network does, from a seeded generator so a case
// replays exactly: a request dropped before it is sent, an answer lost after the server handled
// it, or a request sent twice at once (the first answer is returned). `unreachable` counts the
// requests that failed by themselves: the server was down (restarting) or cut the connection.
import type { FetchLike } from "@syncdesk/client";

export type FaultStats = { requests: number; dropped: number; lost: number; duplicated: number; unreachable: number };

export type Faults = { fetch: FetchLike; stats: FaultStats; enabled: boolean };

/** mulberry32: a tiny deterministic generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rate` is the chance that a request meets one of the three faults (each a third of it). */
export function faultyFetch(rate: number, seed: number): Faults {
  const random = seededRandom(seed);
  const fetch = (input: string, init: RequestInit): Promise<Response> =>
    globalThis.fetch(input, init).catch((error: unknown) => {
      faults.stats.unreachable++;
      throw error;
    });
  const faults: Faults = {
    stats: { requests: 0, dropped: 0, lost: 0, duplicated: 0, unreachable: 0 },
    enabled: true,
    fetch: async (input, init) => {
      faults.stats.requests++;
      const roll = faults.enabled ? random() : 1;
      if (roll < rate / 3) {
        faults.stats.dropped++;
        throw new TypeError("fault: request dropped before sending");
      }
      if (roll < (2 * rate) / 3) {
        faults.stats.lost++;

        await (await fetch(input, init)).arrayBuffer();
        throw new TypeError("fault: answer lost after the server handled the request");
      }
      if (roll < rate) {
        faults.stats.duplicated++;
        const [first, second] = await Promise.all([fetch(input, init), fetch(input, init)]);
        await second.arrayBuffer();
        return first;
      }
      return fetch(input, init);
    },
  };
  return faults;
}
