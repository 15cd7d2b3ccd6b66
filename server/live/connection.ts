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

/** Where a connection writes: its response stream's controller, or the socket (beside-next.ts). */
export type Sink = { enqueue(chunk: Uint8Array): void; readonly desiredSize: number | null; close(): void };

// The connection behind a response body, for the path beside Next to write to the socket directly.
const byBody = new WeakMap<ReadableStream<Uint8Array>, LiveConnection>();

/** The live connection whose frames `body` carries, if any. */
export function liveConnectionOf(body: ReadableStream<Uint8Array> | null): LiveConnection | undefined {
  return body ? byBody.get(body) : undefined;
}

export class LiveConnection implements Beating {
  private controller: Sink | undefined;
  /** Frames given to the stream's controller (until redirected), all still queued when nobody read. */
  enqueued = 0;
  private readonly sent = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  closed = false;

  /** The stream has started: `preamble` goes first, then whatever is pending. */
  start(controller: ReadableStreamDefaultController<Uint8Array>, preamble: Uint8Array[], known: Heads): void {
    this.controller = controller;
    for (const frame of preamble) this.write(frame);
    for (const [stream, seq] of Object.entries(known)) this.sent.set(stream, seq);
    if (this.pending.size > 0) markForFlush(this);
  }

  /** Makes `body` findable by liveConnectionOf. */
  carriedBy(body: ReadableStream<Uint8Array>): void {
    byBody.set(body, this);
  }

  /**
   * From now on frames go to `sink` (the socket), not through the response stream: called once
   * every frame enqueued so far was read off the stream, within the same turn of the event loop.
   */
  redirect(sink: Sink): void {
    if (this.closed) return sink.close();
    this.controller = sink;
    if (this.pending.size > 0) markForFlush(this);
  }

  private write(frame: Uint8Array): void {
    this.enqueued++;
    this.controller?.enqueue(frame);
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
    this.write(pokeFrame(news));
    metrics().pokes.inc();
  }

  /** The reader took from a full queue: what waited may go now. */
  pulled(): void {
    if (this.pending.size > 0) markForFlush(this);
  }

  beat(): void {
    if (this.hasRoom()) this.write(HEARTBEAT);
  }

  /** A last frame before closing (e.g. `closed` when replaced), if the client keeps up. */
  send(frame: Uint8Array): void {
    if (!this.closed && this.controller) this.write(frame);
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
