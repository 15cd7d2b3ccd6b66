"use client";
// One device: who and what it is, lag per stream, its checkpoints and recent pushes, revoke/restore.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { z } from "zod";
import { BatchStatusBadge } from "@/components/batches/status-badge";
import { useTRPC } from "@/components/trpc";
import { UserMedia } from "@/components/media/media-attachments";
import { Card, DateTime, EmptyState, ErrorState, Loading, PageHeader } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import { DeviceStatusBadge, HistoryBadge, LagValue, LastErrorCell } from "./device-health";
import { RevokeControl } from "./revoke-control";
import { UserLink } from "@/components/users/user-link";

export function DeviceDetail({ id }: { id: string }) {
  if (!z.uuid().safeParse(id).success) return <EmptyState title="No such device" hint={<Link href="/devices" className="underline">Back to devices</Link>} />;
  return <DeviceView id={id} />;
}

function DeviceView({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.devices.get.queryOptions({ id }));
  if (query.isPending) return <Loading label="Loading device…" />;
  if (query.isError) {
    return query.error.data?.code === "NOT_FOUND"
      ? <EmptyState title="No such device" hint={<Link href="/devices" className="underline">Back to devices</Link>} />
      : <ErrorState error={query.error} />;
  }
  const device = query.data;
  return (
    <>
      <PageHeader
        title={`Device ${device.deviceId}`}
        description={<>User <UserLink userId={device.userId} /> · <DeviceStatusBadge status={device.status} /></>}
        actions={<RevokeControl device={device} />}
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Platform</dt><dd>{device.platform ?? "—"}</dd>
            <dt className="text-slate-500">App version</dt><dd>{device.appVersion ?? "—"}</dd>
            <dt className="text-slate-500">First seen</dt><dd><DateTime value={device.firstSeenAt} /></dd>
            <dt className="text-slate-500">Last seen</dt><dd><DateTime value={device.lastSeenAt} /></dd>
            <dt className="text-slate-500">Revoked</dt><dd><DateTime value={device.revokedAt} /></dd>
            <dt className="text-slate-500">History</dt>
            <dd>
              <HistoryBadge divergedAt={device.divergedAt} healedAt={device.healedAt} />
              {device.divergedAt ? <> told <DateTime value={device.divergedAt} />{device.healedAt ? <>, healed <DateTime value={device.healedAt} /></> : null}</> : null}
            </dd>
            <dt className="text-slate-500">Lag</dt><dd><LagValue lag={device.lag} streams={device.streams} /></dd>
            <dt className="text-slate-500">Open conflicts</dt>
            <dd>
              {device.openConflicts > 0
                ? <Link href={`/conflicts?device=${device.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">{device.openConflicts} open</Link>
                : "0"}
            </dd>
            <dt className="text-slate-500">Last error</dt><dd className="min-w-0"><LastErrorCell error={device.lastError} /></dd>
            <dt className="text-slate-500">Console id</dt><dd className="font-mono text-xs">{device.id}</dd>
          </dl>
        </Card>
        <Card title="Streams">
          {device.streams.length === 0 ? (
            <p className="text-sm text-slate-500">This device has no streams.</p>
          ) : (
            <Table caption="Streams of this device" head={["Stream", "Head seq", "Acked seq", "Lag", "Acked at"]}>
              {device.streams.map((s) => (
                <tr key={s.stream}>
                  <Td className="font-mono text-xs">{s.stream}</Td>
                  <Td>{s.headSeq}</Td>
                  <Td>{s.ackedSeq}</Td>
                  <Td><LagValue lag={s.lag} streams={[s]} /></Td>
                  <Td><DateTime value={s.ackedAt} /></Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
      <Card title="Recent sync batches" className="mt-4">
        {device.recentBatches.length === 0 ? (
          <p className="text-sm text-slate-500">This device has not pushed anything yet.</p>
        ) : (
          <>
            <Table caption="Recent sync batches of this device" head={["Received", "Bundle", "Mode", "Items", "Errors", "Conflicts", "Replays", "Status"]}>
              {device.recentBatches.map((b) => (
                <tr key={b.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                  <Td>
                    <Link href={`/batches/${b.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      <DateTime value={b.createdAt} />
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs">#{b.bundleId}</Td>
                  <Td>{b.mode}</Td>
                  <Td>{b.okCount}/{b.itemCount} ok</Td>
                  <Td>{b.errorCount}</Td>
                  <Td>{b.conflictCount}</Td>
                  <Td>{b.replays}</Td>
                  <Td><BatchStatusBadge status={b.status} /></Td>
                </tr>
              ))}
            </Table>
            <p className="mt-2 text-sm">
              <Link href={`/batches?deviceRef=${device.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">All batches of this device</Link>
            </p>
          </>
        )}
      </Card>
      <UserMedia userId={device.userId} />
    </>
  );
}
