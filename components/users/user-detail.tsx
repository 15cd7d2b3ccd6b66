"use client";
// One user: devices, streams, open conflicts, recent pushes and record counts, each linking on.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { BatchStatusBadge } from "@/components/batches/status-badge";
import { DeviceStatusBadge, LagValue } from "@/components/devices/device-health";
import { UserMedia } from "@/components/media/media-attachments";
import { useTRPC } from "@/components/trpc";
import { Card, DateTime, EmptyState, ErrorState, Loading, PageHeader } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";

const link = "text-indigo-700 hover:underline dark:text-indigo-300";
const backToUsers = <Link href="/users" className="underline">Back to users</Link>;
const records = (params: Record<string, string>) => `/records?${new URLSearchParams(params).toString()}`;

export function UserDetail({ userId }: { userId: string }) {
  if (!userId) return <EmptyState title="No such user" hint={backToUsers} />;
  return <UserView userId={userId} />;
}

function UserView({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.users.get.queryOptions({ userId }));
  if (query.isPending) return <Loading label="Loading user…" />;
  if (query.isError) return query.error.data?.code === "NOT_FOUND" ? <EmptyState title="No such user" hint={backToUsers} /> : <ErrorState error={query.error} />;
  const user = query.data;
  return (
    <>
      <PageHeader
        title={`User ${user.userId}`}
        description={<><Link href={records({ user: user.userId })} className={link}>Browse this user’s records</Link></>}
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Devices">
          {user.devices.length === 0 ? <p className="text-sm text-slate-500">No devices.</p> : (
            <Table caption="Devices of this user" head={["Device", "Status", "Platform", "Last seen", "Lag"]}>
              {user.devices.map((d) => (
                <tr key={d.id}>
                  <Td><Link href={`/devices/${d.id}`} className={`font-mono text-xs ${link}`}>{d.deviceId}</Link></Td>
                  <Td><DeviceStatusBadge status={d.status} /></Td>
                  <Td>{d.platform ?? "—"}</Td>
                  <Td><DateTime value={d.lastSeenAt} /></Td>
                  <Td><LagValue lag={d.lag} streams={d.streams} /></Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title="Records by type">
          {user.recordCounts.length === 0 ? <p className="text-sm text-slate-500">No records.</p> : (
            <Table caption="Records of this user by type" head={["Stream", "Type", "Live", "Deleted"]}>
              {user.recordCounts.map((c) => (
                <tr key={`${c.stream}/${c.type}`}>
                  <Td className="font-mono text-xs">{c.stream}</Td>
                  <Td><Link href={records({ stream: c.stream, type: c.type })} className={link}>{c.type}</Link></Td>
                  <Td>{c.live}</Td>
                  <Td>{c.deleted > 0 ? <Link href={records({ stream: c.stream, type: c.type, status: "deleted" })} className={link}>{c.deleted}</Link> : 0}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title="Streams">
          <Table caption="Streams of this user" head={["Stream", "Head seq", "Compacted until"]}>
            {user.streams.map((s) => (
              <tr key={s.name}>
                <Td className="font-mono text-xs">{s.name}{s.own ? " (own)" : " (shared)"}</Td>
                <Td>{s.headSeq}</Td>
                <Td>{s.compactedUntilSeq}</Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title={`Open conflicts (${user.openConflicts.total})`}>
          {user.openConflicts.total === 0 ? <p className="text-sm text-slate-500">None.</p> : (
            <>
              <ul className="space-y-1 text-sm">
                {user.openConflicts.recent.map((c) => (
                  <li key={c.id}>
                    <Link href={`/conflicts/${c.id}`} className={link}>{c.type} {c.recordId}</Link>{" "}
                    <span className="text-slate-500">{c.fields.join(", ")} · <DateTime value={c.createdAt} /></span>
                  </li>
                ))}
              </ul>
              <p className="mt-2 text-sm"><Link href={`/conflicts?user=${encodeURIComponent(user.userId)}`} className={link}>All open conflicts of this user</Link></p>
            </>
          )}
        </Card>
      </div>
      <Card title="Recent sync batches" className="mt-4">
        {user.recentBatches.length === 0 ? <p className="text-sm text-slate-500">This user’s devices have not pushed anything yet.</p> : (
          <>
            <Table caption="Recent sync batches of this user" head={["Received", "Device", "Bundle", "Items", "Status"]}>
              {user.recentBatches.map((b) => (
                <tr key={b.id}>
                  <Td><Link href={`/batches/${b.id}`} className={link}><DateTime value={b.createdAt} /></Link></Td>
                  <Td className="font-mono text-xs">{b.deviceId}</Td>
                  <Td className="font-mono text-xs">#{b.bundleId}</Td>
                  <Td>{b.okCount}/{b.itemCount} ok</Td>
                  <Td><BatchStatusBadge status={b.status} /></Td>
                </tr>
              ))}
            </Table>
            <p className="mt-2 text-sm"><Link href={`/batches?user=${encodeURIComponent(user.userId)}`} className={link}>All batches of this user</Link></p>
          </>
        )}
      </Card>
      <UserMedia userId={user.userId} />
    </>
  );
}
