// Attachments as the console shows them: the blobs some records reference (batch and conflict
// pages), and the blobs of one user (a device's page). Staff see every blob; previews are served
// by GET /api/console/blobs/{key} (staff session).
import type { DbOrTx } from "../db/client";
import { getResourceType } from "../types/registry";
import { ZBlobKey } from "@syncdesk/protocol";

export type ConsoleBlob = {
  key: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  ownerId: string;
  stream: string;
  createdAt: Date;
  /** A raster image the console may show inline. */
  image: boolean;
  url: string;
};

/** Image types a browser renders without running anything (no SVG: it can carry script). */
export const PREVIEW_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

const select = { key: true, filename: true, contentType: true, size: true, sha256: true, ownerId: true, stream: true, createdAt: true } as const;
type Row = { key: string; filename: string; contentType: string; size: bigint; sha256: string | null; ownerId: string; stream: string; createdAt: Date };

function toConsoleBlob(row: Row): ConsoleBlob {
  return {
    ...row, size: Number(row.size),
    image: PREVIEW_TYPES.has(row.contentType.split(";")[0]?.trim().toLowerCase() ?? ""),
    url: `/api/console/blobs/${row.key}`,
  };
}

/** The blob keys in records' media fields (records of unknown types or without media: none). */
export function mediaKeysOf(records: ReadonlyArray<{ type: string; data: unknown }>): string[] {
  const keys = new Set<string>();
  for (const record of records) {
    const fields = getResourceType(record.type)?.mediaFields ?? [];
    if (!record.data || typeof record.data !== "object") continue;
    for (const field of fields) {
      const value = (record.data as Record<string, unknown>)[field];
      if (ZBlobKey.safeParse(value).success) keys.add(value as string);
    }
  }
  return [...keys];
}

/** The blobs among `keys`, in the given order; unknown keys are listed in `missing`. */
export async function getConsoleBlobs(db: DbOrTx, keys: string[]): Promise<{ blobs: ConsoleBlob[]; missing: string[] }> {
  const rows = await db.blob.findMany({ where: { key: { in: keys } }, select });
  const byKey = new Map(rows.map((r) => [r.key, toConsoleBlob(r)]));
  return {
    blobs: keys.flatMap((k) => byKey.get(k) ?? []),
    missing: keys.filter((k) => !byKey.has(k)),
  };
}

/** A user's newest blobs. */
export async function listUserBlobs(db: DbOrTx, userId: string, limit: number): Promise<ConsoleBlob[]> {
  const rows = await db.blob.findMany({ where: { ownerId: userId }, select, orderBy: [{ createdAt: "desc" }, { key: "asc" }], take: limit });
  return rows.map(toConsoleBlob);
}
