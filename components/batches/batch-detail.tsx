"use client";
// One sync batch: summary, per-item results, every replay attempt, the raw request and answer.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { z } from "zod";
import { RecordMedia, recordsOfPush } from "@/components/media/media-attachments";
import { useTRPC } from "@/components/trpc";
import { Card, DateTime, EmptyState, ErrorState, JsonView, Loading, PageHeader } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import { ItemResults, ResultBadge, ResultNote } from "./item-results";
import { ReplayControl } from "./replay-control";
import { BatchSource } from "./batch-source";
import { BatchStatusBadge } from "./status-badge";
import { UserLink } from "@/components/users/user-link";

const notFound = <EmptyState title="No such sync batch" hint={<Link href="/batches" className="underline">Back to sync batches</Link>} />;

export function BatchDetail({ id }: { id: string }) {
  if (!z.uuid().safeParse(id).success) return notFound;
  return <BatchView id={id} />;
}

function BatchView({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.batches.get.queryOptions({ id }));
  if (query.isPending) return <Loading label="Loading sync batch…" />;
  if (query.isError) return query.error.data?.code === "NOT_FOUND" ? notFound : <ErrorState error={query.error} />;
  const batch = query.data;
  return (
    <>
      <PageHeader
        title={`Sync batch #${batch.bundleId}`}
        description={<>From <BatchSource source={batch.source} deviceRef={batch.device.ref} deviceId={batch.device.deviceId} /> of user <UserLink userId={batch.userId} /> · <BatchStatusBadge status={batch.status} /></>}
        actions={<ReplayControl batchId={batch.id} retriable={batch.retriable.length} revoked={batch.device.revoked} />}
      />
      <Card title="Summary">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr_max-content_1fr]">
          <dt className="text-slate-500">Received</dt><dd><DateTime value={batch.createdAt} /></dd>
          <dt className="text-slate-500">Mode</dt><dd>{batch.mode}</dd>
          <dt className="text-slate-500">Items</dt><dd>{batch.itemCount}</dd>
          <dt className="text-slate-500">Applied</dt><dd>{batch.okCount}</dd>
          <dt className="text-slate-500">Errors</dt><dd>{batch.errorCount}</dd>
          <dt className="text-slate-500">Conflicts</dt><dd>{batch.conflictCount}</dd>
          <dt className="text-slate-500">Waiting on a retry</dt><dd>{batch.retriable.length}</dd>
          <dt className="text-slate-500">Batch id</dt><dd className="font-mono text-xs break-all">{batch.id}</dd>
        </dl>
      </Card>
      <Card title="Items" className="mt-4">
        <ItemResults request={batch.request} results={batch.results} latest={batch.latest} />
      </Card>
      <RecordMedia records={recordsOfPush(batch.request)} title="Media in this batch" />
      <Card title="Replay attempts" className="mt-4">
        {batch.attempts.length === 0 ? (
          <p className="text-sm text-slate-500">Not replayed. The push itself was attempt 1.</p>
        ) : (
          <ol className="space-y-4">
            {batch.attempts.map((a) => (
              <li key={a.attempt} aria-label={`Attempt ${a.attempt}`}>
                <p className="mb-1 text-sm">
                  <b>Attempt {a.attempt}</b> · <BatchStatusBadge status={a.status} /> · <DateTime value={a.createdAt} /> · by {a.actor.email ?? <span className="font-mono text-xs">{a.actor.id}</span>}
                </p>
                <Table caption={`Results of attempt ${a.attempt}`} head={["#", "Status", "Details"]}>
                  {a.results.map((r) => (
                    <tr key={r.index}>
                      <Td>{r.index}</Td>
                      <Td><ResultBadge result={r} /></Td>
                      <Td className="whitespace-normal"><ResultNote result={r} /></Td>
                    </tr>
                  ))}
                </Table>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title="Raw request"><JsonView value={batch.request} label="Raw request JSON" /></Card>
        <Card title="Stored response (what the device received)"><JsonView value={batch.response} label="Stored response JSON" /></Card>
      </div>
    </>
  );
}
