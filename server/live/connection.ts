// One live-update connection's state: the heads it was told and the heads waiting to be told
// (newest wins, so a slow reader costs a head per stream, whatever the write rate), written as
// `poke` frames by the process's shared flush pass (connections.ts). A class, not closures: with
// thousands open, each costs one small object and its two maps (bench, "Live").
import { metrics } from "../metrics/registry";
import { markForFlush, type Beating } from "./connections";
import type { Heads } from "./hub";

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

export function sseFrame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

// A commit on a shared stream pokes every subscriber with the same news: encode it once per
// flush pass, not once per connection (frames are never changed after they are made).
let lastPoke: { json: string; frame: Uint8Array } | undefined;
function pokeFrame(news: Heads): Uint8Array {
  const json = JSON.stringify({ streams: news });
  if (lastPoke?.json !== json) lastPoke = { json, frame: encoder.encode(`event: poke\ndata: ${json}\n\n`) };
  return lastPoke.frame;
}

export class LiveConnection implements Beating {
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private readonly sent = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  closed = false;

  /** The stream has started: `preamble` goes first, then whatever is pending. */
  start(controller: ReadableStreamDefaultController<Uint8Array>, preamble: Uint8Array[], known: Heads): void {
    this.controller = controller;
    for (const frame of preamble) controller.enqueue(frame);
    for (const [stream, seq] of Object.entries(known)) this.sent.set(stream, seq);
    if (this.pending.size > 0) markForFlush(this);
  }

  /** Heads that advanced; told at the next flush pass. */
  advance(heads: Heads): void {
    for (const stream in heads) {
      const head = heads[stream] ?? 0;
      if (head > (this.pending.get(stream) ?? 0)) this.pending.set(stream, head);
    }
    if (this.controller) markForFlush(this);
  }

  private hasRoom(): boolean {
    return !this.closed && this.controller !== undefined && (this.controller.desiredSize ?? 0) > 0;
  }

  flush(): void {
    if (!this.hasRoom() || this.pending.size === 0) return;
    let news: Heads | undefined;
    for (const [stream, head] of this.pending) {
      if (head <= (this.sent.get(stream) ?? 0)) continue;
      (news ??= {})[stream] = head;
      this.sent.set(stream, head);
    }
    this.pending.clear();
    if (!news) return;
    this.controller?.enqueue(pokeFrame(news));
    metrics().pokes.inc();
  }

  /** The reader took from a full queue: what waited may go now. */
  pulled(): void {
    if (this.pending.size > 0) markForFlush(this);
  }

  beat(): void {
    if (this.hasRoom()) this.controller?.enqueue(HEARTBEAT);
  }

  /** A last frame before closing (e.g. `closed` when replaced), if the client keeps up. */
  send(frame: Uint8Array): void {
    if (!this.closed && this.controller) this.controller.enqueue(frame);
  }

  end(): void {
    this.closed = true;
    try {
      this.controller?.close();
    } catch {
      // already closed by the client
    }
  }
}
