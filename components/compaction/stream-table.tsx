"use client";
// Per stream: head, compaction point and where the next run would move it, the history kept, the
// oldest change kept, and the devices that would need a bootstrap. Paged by stream name.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Badge, Card, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { formatBytes } from "./format";

export function StreamTable() {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useQuery(trpc.compaction.streams.queryOptions({ ...(q ? { q } : {}), ...(cursor ? { cursor } : {}), limit: 25 }));
  return (
    <Card title="Streams">
      <label className="mb-3 flex items-center gap-2 text-sm">
        <span className="text-slate-600 dark:text-slate-400">Stream</span>
        <input
          type="search"
          value={q}
          placeholder="part of a name"
          onChange={(e) => { setQ(e.target.value.trim()); setCursor(undefined); }}
          className="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
        />
      </label>
      {list.isPending ? (
        <Loading label="Loading streams…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.streams.length === 0 ? (
        <EmptyState title={q ? "No stream matches" : "No streams yet"} hint={cursor ? "This was the last page." : undefined} />
      ) : (
        <>
          <Table caption="Streams and their history" head={["Stream", "Head seq", "Compacted until", "Next run to", "History kept", "Oldest change kept", "Need a bootstrap"]}>
            {list.data.streams.map((s) => (
              <tr key={s.stream}>
                <Td className="font-mono text-xs">{s.stream}</Td>
                <Td>{s.headSeq.toLocaleString()}</Td>
                <Td>{s.compactedUntilSeq.toLocaleString()}</Td>
                <Td>
                  {s.nextPoint.toLocaleString()}
                  {s.heldBy ? <span className="ml-1"><Badge tone="info">held by {s.heldBy === "device" ? "a device" : "a bootstrap"}</Badge></span> : null}
                </Td>
                <Td>
                  {s.historyRows.toLocaleString()} {s.historyRows === 1 ? "change" : "changes"} · {s.historyBytesExact ? "" : "≈ "}{formatBytes(s.historyBytes)}
                </Td>
                <Td><DateTime value={s.oldestRetainedAt} /></Td>
                <Td>
                  {s.devicesNeedingBootstrap > 0 ? <Badge tone="warn">{s.devicesNeedingBootstrap}</Badge> : <span className="text-slate-500">0</span>}
                  {s.silentDevices > 0 ? <span className="ml-1 text-xs text-slate-500">({s.silentDevices} silent)</span> : null}
                </Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.streams.length} onPage={(c) => setCursor(c || undefined)} />
        </>
      )}
    </Card>
  );
}
