// The sha256 of a resumable upload, kept up to date as its chunks arrive, so completing a large
// upload need not read every byte back (PROTOCOL.md "Uploads": the server hashes the stored bytes).
// A hash lives only in the process that received the chunks, in order, from byte 0; it is valid
// for a session only while it covers exactly the session's saved offset. Chunks that reach another
// instance, a restart, a chunk whose bytes were not all stored, or an evicted entry leave the hash
// missing or behind the offset: completion then reads the stored bytes back, as before.
//
// Only the request holding the session's lease touches its entry: taking it removes it, and it is
// put back after the new offset is saved.
import { createHash, type Hash } from "node:crypto";
import { processSingleton } from "../process-singleton";

type Entry = { storageKey: string; offset: number; hash: Hash; savedAt: number };

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
export function takeRunningHash(id: string, storageKey: string, offset: number): Hash | null {
  const entry = entries().get(id);
  entries().delete(id);
  if (entry && entry.storageKey === storageKey && entry.offset === offset) return entry.hash;
  return offset === 0 ? createHash("sha256") : null;
}

/**
 * Keeps `hash`, the sha256 of the session's first `offset` bytes, once that offset is saved.
 * Entries idle for `ttlMs` (the upload TTL: their sessions expired) are dropped, and the oldest
 * when the map is full.
 */
export function keepRunningHash(id: string, storageKey: string, offset: number, hash: Hash, ttlMs: number, now = Date.now()): void {
  const map = entries();
  map.delete(id);
  const idleBefore = now - ttlMs;
  for (const [key, entry] of map) {
    if (entry.savedAt >= idleBefore && map.size < MAX_RUNNING_HASHES) break;
    map.delete(key);
  }
  map.set(id, { storageKey, offset, hash, savedAt: now });
}

/** Tests: forget every hash, as a restarted process (or another instance) would know none. */
export function forgetRunningHashes(): void {
  entries().clear();
}

/** Passes `source` through, adding its bytes to `hash` and counting them in `counted.bytes`. */
export async function* hashing(source: AsyncIterable<Uint8Array>, hash: Hash, counted: { bytes: number }): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk);
    counted.bytes += chunk.byteLength;
    yield chunk;
  }
}
