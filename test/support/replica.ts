// A device's local copy, kept the way a mobile app keeps it: bootstrap items and pull changes
// applied to a Map keyed by stream/type/id (an upsert replaces, a delete removes), and compared
// with the server's live rows in `records`.
import type { Db } from "@/server/db/client";
import { checksumOf } from "@/server/sync/canonical";
import type { TChange, TRecord } from "@syncdesk/protocol";

export type RowSummary = { key: string; version: number; checksum: string };

type Key = { stream: string; type: string; id: string };
type Local = { version: number; data: Record<string, unknown> };

export const keyOf = (k: Key): string => `${k.stream}/${k.type}/${k.id}`;

const byKey = (a: RowSummary, b: RowSummary) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export class Replica {
  readonly rows = new Map<string, Local>();
  /** The last version seen of every key, deletes included: versions never go back. */
  private readonly seen = new Map<string, number>();

  applyRecords(items: readonly TRecord[]): void {
    for (const item of items) {
      if (item.deleted) throw new Error(`bootstrap sent a tombstone: ${keyOf(item)}`);
      if (item.checksum !== checksumOf(item.data)) throw new Error(`bad checksum on ${keyOf(item)}`);
      this.advance(keyOf(item), item.version);
      this.rows.set(keyOf(item), { version: item.version, data: item.data });
    }
  }

  applyChanges(changes: readonly TChange[]): void {
    for (const change of changes) {
      const key = keyOf(change);
      this.advance(key, change.version);
      if (change.op === "delete") {
        this.rows.delete(key);
        continue;
      }
      if (!change.data) throw new Error(`upsert without data: ${key}`);
      this.rows.set(key, { version: change.version, data: change.data });
    }
  }

  /** Every local row as key, version and the checksum of its data, in key order. */
  summary(): RowSummary[] {
    return [...this.rows].map(([key, row]) => ({ key, version: row.version, checksum: checksumOf(row.data) })).sort(byKey);
  }

  private advance(key: string, version: number): void {
    const last = this.seen.get(key) ?? 0;
    if (version <= last) throw new Error(`${key}: version ${version} arrived after version ${last}`);
    this.seen.set(key, version);
  }
}

/** The server's live (non-deleted) records in the given streams, summarized like a replica. */
export async function serverSummary(prisma: Db, streams: readonly string[]): Promise<RowSummary[]> {
  const rows = await prisma.record.findMany({
    where: { deleted: false, stream: { in: [...streams] } },
    select: { stream: true, type: true, id: true, version: true, checksum: true },
  });
  return rows.map((r) => ({ key: keyOf(r), version: r.version, checksum: r.checksum })).sort(byKey);
}
