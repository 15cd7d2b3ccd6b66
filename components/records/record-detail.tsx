"use client";
// One record: its current data and checksum, open conflicts, attachments, and its history with
// (for operators) "Restore this version" / "Undelete".
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { RecordMedia } from "@/components/media/media-attachments";
import { useTRPC } from "@/components/trpc";
import { Badge, Button, Card, DateTime, EmptyState, ErrorState, JsonView, Loading, PageHeader } from "@/components/ui/primitives";
import { UserLink } from "@/components/users/user-link";
import type { RecordKeyRef } from "./links";
import { CompactionNote, VersionItem } from "./record-history";
import { RestoreControl } from "./restore-control";

const backToRecords = <Link href="/records" className="underline">Back to records</Link>;

export function RecordDetail({ recordKey }: { recordKey: RecordKeyRef }) {
  if (!recordKey.stream || !recordKey.type || !recordKey.id) return <EmptyState title="No such record" hint={backToRecords} />;
  return <RecordView recordKey={recordKey} />;
}

function RecordView({ recordKey }: { recordKey: RecordKeyRef }) {
  const trpc = useTRPC();
  const [beforeVersion, setBeforeVersion] = useState<number | undefined>(undefined);
  const query = useQuery({ ...trpc.records.get.queryOptions({ ...recordKey, limit: 20, ...(beforeVersion ? { beforeVersion } : {}) }), refetchOnWindowFocus: false });
  if (query.isPending) return <Loading label="Loading record…" />;
  if (query.isError) {
    return query.error.data?.code === "NOT_FOUND" ? <EmptyState title="No such record" hint={backToRecords} /> : <ErrorState error={query.error} />;
  }
  const record = query.data;
  const { history } = record;
  return (
    <>
      <PageHeader
        title={`${record.type} ${record.id}`}
        description={
          <>
            Stream <span className="font-mono">{record.stream}</span>
            {record.ownerId ? <> · user <UserLink userId={record.ownerId} /></> : null} · version {record.version}{" "}
            {record.deleted ? <Badge tone="bad">deleted</Badge> : <Badge tone="good">live</Badge>}
          </>
        }
        actions={record.deleted ? <RestoreControl recordKey={recordKey} currentVersion={record.version} /> : undefined}
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={record.deleted ? "Data when it was deleted" : "Current data"}>
          <JsonView value={record.data} label="Current data" />
        </Card>
        <Card title="Details">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Version</dt><dd>{record.version}</dd>
            <dt className="text-slate-500">Checksum</dt><dd className="break-all font-mono text-xs">{record.checksum}</dd>
            <dt className="text-slate-500">Updated</dt><dd><DateTime value={record.updatedAt} /></dd>
            <dt className="text-slate-500">Created</dt><dd><DateTime value={record.createdAt} /></dd>
            <dt className="text-slate-500">Last seq</dt><dd>{record.lastSeq}</dd>
            <dt className="text-slate-500">Open conflicts</dt>
            <dd>
              {record.openConflicts.length === 0 ? "none" : (
                <ul>
                  {record.openConflicts.map((c) => (
                    <li key={c.id}>
                      <Link href={`/conflicts/${c.id}`} className="text-amber-700 hover:underline dark:text-amber-300">
                        {c.fields.length > 0 ? c.fields.join(", ") : "whole record"} ({c.policy})
                      </Link>{" "}
                      <DateTime value={c.createdAt} />
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </Card>
      </div>
      <RecordMedia records={[{ type: record.type, data: record.data }]} title="Attachments" />
      <Card title="History" className="mt-4">
        <CompactionNote history={history} stream={record.stream} />
        {history.versions.length === 0 ? <p className="text-sm text-slate-500">No versions in the change log.</p> : (
          <ol className="space-y-3">
            {history.versions.map((entry) => (
              <VersionItem
                key={entry.seq}
                entry={entry}
                current={record.version}
                actions={entry.op === "upsert" && (entry.version !== record.version || record.deleted)
                  ? <RestoreControl recordKey={recordKey} currentVersion={record.version} version={entry.version} />
                  : undefined}
              />
            ))}
          </ol>
        )}
        <div className="mt-3 flex gap-2">
          {beforeVersion ? <Button onClick={() => setBeforeVersion(undefined)}>Newest versions</Button> : null}
          {history.olderBefore ? <Button onClick={() => setBeforeVersion(history.olderBefore ?? undefined)}>Older versions</Button> : null}
        </div>
      </Card>
    </>
  );
}
