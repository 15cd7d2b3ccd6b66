// A bundle is every change one operation (a push, a resolution) writes. Its streams' head rows
// are locked FOR UPDATE first, in name order, and held until commit: a later writer to the same
// stream waits, so seqs become visible in seq order and a pull can never skip a lower seq that
// commits late (research/scenarios.md). Seqs within one bundle and stream are consecutive.
import type { Tx } from "../db/client";

export type Bundle = {
  batchId: string | null;
  /** The next seq of `stream`; the stream must be one the bundle locked. */
  nextSeq(stream: string): bigint;
  /** Stores the new heads. Call once, before the transaction commits. */
  close(): Promise<void>;
};

export async function openBundle(tx: Tx, streams: readonly string[], batchId: string | null): Promise<Bundle> {
  const names = [...new Set(streams)].sort();
  await tx.$executeRaw`INSERT INTO streams (name) SELECT unnest(${names}::text[]) ON CONFLICT (name) DO NOTHING`;
  const rows = await tx.$queryRaw<{ name: string; head_seq: bigint }[]>`
    SELECT name, head_seq FROM streams WHERE name = ANY(${names}::text[]) ORDER BY name FOR UPDATE`;
  const start = new Map(rows.map((r) => [r.name, BigInt(r.head_seq)]));
  const heads = new Map(start);
  return {
    batchId,
    nextSeq(stream) {
      const head = heads.get(stream);
      if (head === undefined) throw new Error(`stream ${stream} is not locked by this bundle`);
      heads.set(stream, head + 1n);
      return head + 1n;
    },
    async close() {
      for (const [name, head] of heads) {
        if (head === start.get(name)) continue;
        await tx.stream.update({ where: { name }, data: { headSeq: head, updatedAt: new Date() } });
      }
    },
  };
}
