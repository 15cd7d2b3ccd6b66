"use client";
// Attachments on console pages: the blobs records reference (batch and conflict pages) and a user's
// uploads (device page). Raster images preview inline through the staff-only blob route.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Card, DateTime, ErrorState, Loading } from "@/components/ui/primitives";

type Blob = { key: string; filename: string; contentType: string; size: number; ownerId: string; createdAt: Date | string; image: boolean; url: string };

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function BlobTile({ blob }: { blob: Blob }) {
  return (
    <li className="overflow-hidden rounded-md border border-slate-200 dark:border-slate-800" aria-label={`Attachment ${blob.filename}`}>
      <a href={blob.url} target="_blank" rel="noreferrer" className="block bg-slate-50 dark:bg-slate-950">
        {blob.image ? (
          // eslint-disable-next-line @next/next/no-img-element -- a staff-only, authenticated route: no image optimiser
          <img src={blob.url} alt={blob.filename} loading="lazy" className="h-32 w-full object-cover" />
        ) : (
          <div className="flex h-32 items-center justify-center text-xs text-slate-500">{blob.contentType}</div>
        )}
      </a>
      <div className="p-2 text-xs">
        <p className="truncate font-medium" title={blob.filename}>{blob.filename}</p>
        <p className="text-slate-500">{formatBytes(blob.size)} · <DateTime value={blob.createdAt} /></p>
        <p className="truncate font-mono text-[10px] text-slate-500 dark:text-slate-400" title={blob.key}>{blob.key}</p>
      </div>
    </li>
  );
}

function Tiles({ blobs, missing = [] }: { blobs: Blob[]; missing?: string[] }) {
  return (
    <>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {blobs.map((b) => <BlobTile key={b.key} blob={b} />)}
      </ul>
      {missing.length > 0 ? (
        <p className="mt-2 text-xs text-slate-500">Referenced but not uploaded: <span className="font-mono">{missing.join(", ")}</span></p>
      ) : null}
    </>
  );
}

/** The media the given records reference; renders nothing when they reference none. */
export function RecordMedia({ records, title = "Media", className = "mt-4" }: { records: { type: string; data: unknown }[]; title?: string; className?: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.media.forRecords.queryOptions({ records: records.slice(0, 500) }));
  if (query.isPending) return null;
  if (query.isError) return <Card title={title} className={className}><ErrorState error={query.error} /></Card>;
  if (query.data.blobs.length === 0 && query.data.missing.length === 0) return null;
  return <Card title={title} className={className}><Tiles blobs={query.data.blobs} missing={query.data.missing} /></Card>;
}

/** A user's newest uploads. */
export function UserMedia({ userId, className = "mt-4" }: { userId: string; className?: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.media.forUser.queryOptions({ userId, limit: 12 }));
  return (
    <Card title="Uploads of this user" className={className}>
      {query.isPending ? <Loading label="Loading uploads…" /> : query.isError ? <ErrorState error={query.error} /> : query.data.length === 0 ? (
        <p className="text-sm text-slate-500">No uploads yet.</p>
      ) : <Tiles blobs={query.data} />}
    </Card>
  );
}

/** The items of a stored push request as records (anything malformed is skipped). */
export function recordsOfPush(request: unknown): { type: string; data: unknown }[] {
  const items = (request as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown) => {
    const { type, data } = (item ?? {}) as { type?: unknown; data?: unknown };
    return typeof type === "string" && type.length > 0 && type.length <= 64 && data && typeof data === "object" ? [{ type, data }] : [];
  });
}
