"use client";
// Devices that would need a bootstrap: behind their stream's compaction point already, or silent
// past the hold window (compaction no longer waits for them). Most stale first.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Badge, Card, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { UserLink } from "@/components/users/user-link";

export function DevicesAtRisk() {
  const trpc = useTRPC();
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useQuery(trpc.compaction.devices.queryOptions({ ...(cursor ? { cursor } : {}), limit: 25 }));
  return (
    <Card title="Devices that would need a bootstrap">
      {list.isPending ? (
        <Loading label="Loading devices…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.devices.length === 0 ? (
        <EmptyState title="No device is at risk" hint={cursor ? "This was the last page." : "Every device with a checkpoint acked recently and is ahead of compaction."} />
      ) : (
        <>
          <Table caption="Devices that would need a bootstrap" head={["User", "Device", "Stream", "Checkpoint", "Compacted until", "Last ack", "Last seen", "Why"]}>
            {list.data.devices.map((d) => (
              <tr key={`${d.deviceRef}/${d.stream}`}>
                <Td><UserLink userId={d.userId} /></Td>
                <Td>
                  <Link href={`/devices/${d.deviceRef}`} className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300">{d.deviceId}</Link>
                </Td>
                <Td className="font-mono text-xs">{d.stream}</Td>
                <Td>{d.checkpointSeq.toLocaleString()} <span className="text-xs text-slate-500">of {d.headSeq.toLocaleString()}</span></Td>
                <Td>{d.compactedUntilSeq.toLocaleString()}</Td>
                <Td><DateTime value={d.ackedAt} /></Td>
                <Td><DateTime value={d.lastSeenAt} /></Td>
                <Td>
                  {d.reason === "compacted"
                    ? <Badge tone="bad">behind compaction: bootstraps on next pull</Badge>
                    : <Badge tone="warn">silent: no longer holds compaction back</Badge>}
                </Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.devices.length} onPage={(c) => setCursor(c || undefined)} />
        </>
      )}
    </Card>
  );
}
