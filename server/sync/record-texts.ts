// A bootstrap page's records as UTF-8 bytes, written as the rows arrive: each record's JSON text
// (PostgreSQL wrote it, snapshot-read.ts) is copied into a buffer and dropped at once, so no page
// of 5,000 strings is held by a JS container while the page is read. Such containers, alive across
// the read's awaits, were what V8 pretenured after a few hundred pages, keeping every page's strings
// until a full GC (bench/profiles/2026-12-06-bootstrap-memory.md). The bytes live outside V8's heap.

// Large enough that a page of 5,000 ~450-byte records is ~10 chunks; each starts with room for
// the longest record it must hold.
const CHUNK_BYTES = 64 * 1024;

/** The records of a page: how many, and their JSON texts joined by commas. */
export class RecordTexts {
  private readonly full: Buffer[] = [];
  private current: Buffer = Buffer.alloc(0);
  private used = 0;
  length = 0;

  add(json: string): void {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: room for that many is room enough.
    const room = json.length * 3 + 1;
    if (this.used + room > this.current.length) {
      if (this.used > 0) this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, room));
      this.used = 0;
    }
    if (this.length > 0) this.current[this.used++] = 0x2c; // ","
    this.used += this.current.write(json, this.used, "utf8");
    this.length += 1;
  }

  /**
   * `before + texts.join(",") + after` as one flat string, decoded once. Not a concatenation of a
   * joined string: encoding that for the answer would flatten it into a second ~2 MiB string while
   * the first is alive, and a scavenge then (large objects count towards the young generation)
   * moves the first into old space at once, a page's worth each time until a full GC.
   */
  joined(before = "", after = ""): string {
    // Each chunk decoded on its own stays below V8's large-object size (128 KiB): only the result is large.
    const parts = [before, ...this.full.map((chunk) => chunk.toString("utf8")), this.current.toString("utf8", 0, this.used), after];
    return parts.join("");
  }
}
