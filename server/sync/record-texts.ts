// A bootstrap page's records as UTF-8 bytes, written as the rows arrive: each record's JSON text
// (PostgreSQL wrote it, snapshot-read.ts) is copied into a buffer and dropped at once, so no page
// of 5,000 strings is held by a JS container while the page is read. Such containers, alive across
// the read's awaits, were what V8 pretenured after a few hundred pages, keeping every page's strings
// until a full GC (bench/profiles/2026-12-06-bootstrap-memory.md). The bytes live outside V8's heap.

// Below V8's large-object size (128 KiB) once decoded, so only the page's answer is a large string
// (see `joined`); a chunk is bigger only when one record needs it.
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
   * `before + texts.join(",") + after` as one flat string. Its parts are decoded chunk by chunk and
   * joined once: one large string per page. Decoding one concatenated Buffer, the answer inside a
   * template literal, made a large string survive a scavenge about every second one (a large
   * young object is promoted after one survival): +2.4 MiB of old space each time until a full GC.
   */
  joined(before = "", after = ""): string {
    // Each chunk decoded on its own stays below V8's large-object size (128 KiB): only the result is large.
    const parts = [before, ...this.full.map((chunk) => chunk.toString("utf8")), this.current.toString("utf8", 0, this.used), after];
    return parts.join("");
  }
}
