// The sha256 of a resumable upload, kept up to date as its chunks arrive, so completing a large
// upload need not read every byte back (PROTOCOL.md "Uploads": the server hashes the stored bytes).
// A hash lives only in the process that received the chunks, in order, from byte 0; it is valid
// for a session only while it covers exactly the session's saved offset. Chunks that reach another
// instance, a restart, a chunk whose bytes were not all stored, or an evicted entry leave the hash
// missing or behind the offset: completion then reads the stored bytes back, as before.
//
// Only the request holding the session's lease touches its entry: taking it removes it, and it is
// put back after the new offset is saved. The hashing itself runs on a worker thread
// (hash-worker.ts), beside the receiving and the disk write.
import { processSingleton } from "../process-singleton";
import type { PieceTap } from "./chunk-body";
import { OffThreadHash } from "./hash-worker";

type Entry = { storageKey: string; offset: number; hash: OffThreadHash; savedAt: number };

/** Uploads in progress on one instance whose hash is kept (each entry: a few hundred bytes). */
export const MAX_RUNNING_HASHES = 1000;

// One per process: Next bundles each route (chunk PUT, complete) with its own copy of this module.
declare module "../process-singleton" {
  interface ProcessSingletons {
    uploadHashes: Map<string, Entry>;
  }
}

function entries(): Map<string, Entry> {
  return processSingleton("uploadHashes", () => new Map());
}

/**
 * Takes (and removes) the hash of session `id` when it covers exactly its first `offset` bytes; a
 * new hash when `offset` is 0; otherwise null (the bytes so far went elsewhere: hash them later).
 */
export function takeRunningHash(id: string, storageKey: string, offset: number): OffThreadHash | null {
  const entry = entries().get(id);
  entries().delete(id);
  if (entry && entry.storageKey === storageKey && entry.offset === offset) return entry.hash;
  entry?.hash.drop();
  return offset === 0 ? new OffThreadHash() : null;
}

/**
 * Keeps `hash`, the sha256 of the session's first `offset` bytes, once that offset is saved.
 * Entries idle for `ttlMs` (the upload TTL: their sessions expired) are dropped, and the oldest
 * when the map is full.
 */
export function keepRunningHash(id: string, storageKey: string, offset: number, hash: OffThreadHash, ttlMs: number, now = Date.now()): void {
  const map = entries();
  const previous = map.get(id);
  if (previous && previous.hash !== hash) previous.hash.drop();
  map.delete(id);
  const idleBefore = now - ttlMs;
  for (const [key, entry] of map) {
    if (entry.savedAt >= idleBefore && map.size < MAX_RUNNING_HASHES) break;
    entry.hash.drop();
    map.delete(key);
  }
  map.set(id, { storageKey, offset, hash, savedAt: now });
}

/** Tests: forget every hash, as a restarted process (or another instance) would know none. */
export function forgetRunningHashes(): void {
  for (const entry of entries().values()) entry.hash.drop();
  entries().clear();
}

/**
 * The tap of a chunk's body (chunk-body.ts) that adds each piece to `hash` and counts it in
 * `counted.bytes`; at the end every byte counted is handed to the hash worker.
 */
export function hashTap(hash: OffThreadHash, counted: { bytes: number }): PieceTap {
  return {
    see(piece) {
      counted.bytes += piece.byteLength;
      return hash.update(piece);
    },
    end() {
      hash.flush();
    },
  };
}
