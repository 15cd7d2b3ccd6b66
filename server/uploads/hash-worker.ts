// SHA-256 of upload bytes on a worker thread (issue 21): hashing 8 MiB costs 9-21 ms of CPU here,
// which on the request's thread delayed every chunk's acknowledgement by as much; on a worker it
// runs beside the receiving and the disk write.
//
// The bytes reach the worker through a few slots of one SharedArrayBuffer, reused: a hash gathers
// its pieces (references, no copy) until it has a slot's worth, then copies them into a free slot
// and tells the worker, which hashes the slot and frees it. Fresh buffers per hand-over (transferred)
// cost more than the hashing saved: page faults and postMessage of each buffer. A slot is held
// only while the worker has it, never while a client pauses, so a stalled upload blocks no other.
//
// A hash lives in the worker: should the worker die, its hashes are lost and `digest` rejects, and
// the caller hashes the stored bytes instead (complete.ts), as for an upload whose chunks went to
// another instance.
import { Worker } from "node:worker_threads";
import { processSingleton } from "../process-singleton";

const SLOT_BYTES = 2 ** 20;
/** Slots of the process (8 MiB): what waits for the worker at most, across every upload. */
const SLOTS = 8;

// Plain CommonJS run with `eval`: no file of its own for Next's bundler to find or miss.
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { shared, slotBytes } = workerData;
const hashes = new Map();
parentPort.on("message", (m) => {
  if (m.op === "update") {
    let hash = hashes.get(m.id);
    if (!hash) hashes.set(m.id, (hash = createHash("sha256")));
    hash.update(new Uint8Array(shared, m.slot * slotBytes, m.length));
    parentPort.postMessage({ op: "hashed", slot: m.slot });
  } else if (m.op === "digest") {
    const hash = hashes.get(m.id) ?? createHash("sha256");
    hashes.delete(m.id);
    parentPort.postMessage({ op: "digest", id: m.id, hex: hash.digest("hex") });
  } else if (m.op === "drop") {
    hashes.delete(m.id);
  }
});
`;

type Reply = { op: "hashed"; slot: number } | { op: "digest"; id: number; hex: string };
type HashThread = {
  worker: Worker; shared: SharedArrayBuffer; free: number[]; slotWaiters: (() => void)[];
  digests: Map<number, { resolve(hex: string): void; reject(error: Error): void }>; nextId: number; failure: Error | null;
};

declare module "../process-singleton" {
  interface ProcessSingletons {
    hashThread: { current: HashThread | null };
  }
}
const slot = () => processSingleton("hashThread", () => ({ current: null }));

function hashThread(): HashThread {
  const box = slot();
  if (box.current && !box.current.failure) return box.current;
  const shared = new SharedArrayBuffer(SLOT_BYTES * SLOTS);
  const worker = new Worker(SOURCE, { eval: true, workerData: { shared, slotBytes: SLOT_BYTES } });
  worker.unref(); // an idle hash thread never keeps the process alive
  const thread: HashThread = {
    worker, shared, free: Array.from({ length: SLOTS }, (_, i) => i), slotWaiters: [], digests: new Map(), nextId: 1, failure: null,
  };
  worker.on("message", (reply: Reply) => {
    if (reply.op === "hashed") {
      thread.free.push(reply.slot);
      thread.slotWaiters.shift()?.();
    } else {
      thread.digests.get(reply.id)?.resolve(reply.hex);
      thread.digests.delete(reply.id);
    }
  });
  const die = (error: Error) => {
    if (thread.failure) return;
    thread.failure = error;
    for (const waiter of thread.slotWaiters.splice(0)) waiter();
    for (const digest of thread.digests.values()) digest.reject(error);
    thread.digests.clear();
  };
  worker.on("error", die);
  worker.on("exit", (code) => die(new Error(`the hash worker exited (${code})`)));
  box.current = thread;
  return thread;
}

/** The sha256 of bytes given in order with `update`, computed on the hash worker. */
export class OffThreadHash {
  private readonly thread = hashThread();
  private readonly id = this.thread.nextId++;
  /** Pieces not yet handed over (none between chunks: a kept hash holds no bytes). */
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  /** Hand-overs in order: each waits for a slot, and for the one before it. */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private dropped = false;

  /**
   * Adds `bytes` (kept by reference until handed over: do not change them). When the worker is
   * behind, returns a promise that resolves once it has caught up enough (awaiting only then spares
   * a promise per piece).
   */
  update(bytes: Uint8Array): Promise<void> | undefined {
    if (bytes.byteLength === 0) return undefined;
    this.pieces.push(bytes);
    this.pieceBytes += bytes.byteLength;
    if (this.pieceBytes >= SLOT_BYTES) this.handOver();
    return this.queued > 2 ? this.queue : undefined;
  }

  /** Hands every byte given so far to the worker (at the end of a chunk). */
  flush(): void {
    if (this.pieceBytes > 0) this.handOver();
  }

  /** The hex digest of every byte given (the hash is used up). Rejects when the worker died. */
  async digest(): Promise<string> {
    this.flush();
    await this.queue;
    const thread = this.thread;
    if (thread.failure) throw thread.failure;
    if (this.dropped) throw new Error("the hash was dropped");
    return new Promise<string>((resolve, reject) => {
      thread.digests.set(this.id, { resolve, reject });
      thread.worker.postMessage({ op: "digest", id: this.id });
    });
  }

  /** Forgets the hash (its bytes will never be verified by it). */
  drop(): void {
    this.dropped = true;
    this.pieces = [];
    this.pieceBytes = 0;
    void this.queue.then(() => {
      if (!this.thread.failure) this.thread.worker.postMessage({ op: "drop", id: this.id });
    });
  }

  /** Copies the gathered pieces, a slot at a time, into free slots and tells the worker. */
  private handOver(): void {
    const pieces = this.pieces;
    this.pieces = [];
    this.pieceBytes = 0;
    this.queued += 1;
    this.queue = this.queue.then(async () => {
      let [i, at] = [0, 0];
      while (i < pieces.length && !this.thread.failure && !this.dropped) {
        const n = await this.takeSlot();
        if (n === null) return;
        const target = new Uint8Array(this.thread.shared, n * SLOT_BYTES, SLOT_BYTES);
        let length = 0;
        for (; i < pieces.length && length < SLOT_BYTES; i++, at = 0) {
          const piece = pieces[i] as Uint8Array;
          const take = Math.min(piece.byteLength - at, SLOT_BYTES - length);
          target.set(piece.subarray(at, at + take), length);
          length += take;
          at += take;
          if (at < piece.byteLength) break; // the slot is full mid-piece: the rest goes in the next
        }
        this.thread.worker.postMessage({ op: "update", id: this.id, slot: n, length });
      }
    }).catch(() => {
      this.dropped = true; // never expected; the upload is then verified by reading it back
    }).finally(() => {
      this.queued -= 1;
    });
  }

  private async takeSlot(): Promise<number | null> {
    const thread = this.thread;
    while (thread.free.length === 0 && !thread.failure) await new Promise<void>((resolve) => thread.slotWaiters.push(resolve));
    return thread.failure ? null : (thread.free.pop() ?? null);
  }
}

/** Tests: ends the hash worker, as a crash would (its hashes are lost). */
export async function terminateHashWorker(): Promise<void> {
  const thread = slot().current;
  if (thread) await thread.worker.terminate();
}
