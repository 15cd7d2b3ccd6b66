// The live-update hub of this process: who listens to which stream, and delivery of "stream X is
// now at head N". Commits of this process publish here directly; commits of other processes
// arrive through PostgreSQL NOTIFY (listener.ts), tagged with their process id so nobody hears
// their own announcement twice. One per process (server/process-singleton.ts).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { processSingleton } from "../process-singleton";

export const LIVE_CHANNEL = "syncdesk_changes";
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7000;

export type Heads = Record<string, number>;
/** Called with the advanced heads; must not keep or change the object (it is shared). */
export type Listener = (heads: Heads) => void;

type Hub = { instance: string; byStream: Map<string, Set<Listener>>; everything: Set<Listener> };

declare module "../process-singleton" {
  interface ProcessSingletons {
    liveHub: Hub;
  }
}

function hub(): Hub {
  return processSingleton("liveHub", () => ({ instance: randomUUID(), byStream: new Map(), everything: new Set() }));
}

/** Calls `listener` with the new heads of `streams` whenever one advances; returns the unsubscribe. */
export function subscribe(streams: readonly string[], listener: Listener): () => void {
  const { byStream } = hub();
  for (const stream of streams) {
    const set = byStream.get(stream) ?? new Set();
    set.add(listener);
    byStream.set(stream, set);
  }
  return () => {
    for (const stream of streams) {
      const set = byStream.get(stream);
      set?.delete(listener);
      if (set?.size === 0) byStream.delete(stream);
    }
  };
}

/** Calls `listener` with every advance of every stream (the console's live view); returns the unsubscribe. */
export function subscribeAll(listener: Listener): () => void {
  hub().everything.add(listener);
  return () => {
    hub().everything.delete(listener);
  };
}

export function subscribedStreams(): string[] {
  return [...hub().byStream.keys()];
}

export function subscriberCount(): number {
  const all = new Set<Listener>();
  for (const set of hub().byStream.values()) for (const listener of set) all.add(listener);
  return all.size;
}

/** Listeners receive `heads` to read, not to keep or change: one object may go to thousands. */
export function publishLocally(heads: Heads): void {
  const streams = Object.keys(heads);
  const only = streams.length === 1 ? streams[0] : undefined;
  if (only !== undefined) {
    // The common case, a commit on one stream: the same heads for every subscriber, no copies.
    for (const listener of hub().byStream.get(only) ?? []) listener(heads);
    for (const listener of hub().everything) listener(heads);
    return;
  }
  const byListener = new Map<Listener, Heads>();
  for (const [stream, head] of Object.entries(heads)) {
    for (const listener of hub().byStream.get(stream) ?? []) {
      byListener.set(listener, { ...byListener.get(listener), [stream]: head });
    }
  }
  for (const [listener, mine] of byListener) listener(mine);
  for (const listener of hub().everything) listener(heads);
}

/** NOTIFY payloads for `heads` (several when many streams changed at once). */
export function encodeAnnouncement(heads: Heads): string[] {
  const payloads: string[] = [];
  let part: Heads = {};
  for (const [stream, head] of Object.entries(heads)) {
    const next = { ...part, [stream]: head };
    if (Object.keys(part).length > 0 && JSON.stringify({ i: hub().instance, h: next }).length > MAX_PAYLOAD) {
      payloads.push(JSON.stringify({ i: hub().instance, h: part }));
      part = { [stream]: head };
    } else {
      part = next;
    }
  }
  payloads.push(JSON.stringify({ i: hub().instance, h: part }));
  return payloads;
}

const ZAnnouncement = z.object({ i: z.string(), h: z.record(z.string(), z.number().int().min(0)) });

/** Delivers another process's announcement; our own (already delivered) and garbage are ignored. */
export function receiveAnnouncement(payload: string): void {
  let parsed: z.infer<typeof ZAnnouncement>;
  try {
    parsed = ZAnnouncement.parse(JSON.parse(payload));
  } catch {
    return;
  }
  if (parsed.i !== hub().instance) publishLocally(parsed.h);
}
