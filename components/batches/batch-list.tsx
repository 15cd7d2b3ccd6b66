"use client";
// The sync batch list: status, device, user and day filters kept in the URL, newest first, paged.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { z } from "zod";
import { useTRPC } from "@/components/trpc";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { Badge, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import { BATCH_STATUS_OPTIONS, batchStatusInput, dayRange, instantRange } from "./labels";
import { BatchSource } from "./batch-source";
import { BatchStatusBadge } from "./status-badge";
import { UserLink } from "@/components/users/user-link";

const KEYS = ["status", "device", "deviceRef", "user", "from", "to", "since", "until"] as const;

const FIELDS: FilterField[] = [
  { key: "status", label: "Status", kind: "select", options: BATCH_STATUS_OPTIONS.map(({ value, label }) => ({ value, label })) },
  { key: "device", label: "Device id", kind: "text", placeholder: "as the app sends it" },
  { key: "user", label: "User id", kind: "text", placeholder: "exact user id" },
];

export function BatchList() {
  const trpc = useTRPC();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  const input = useMemo(
    () => ({
      ...batchStatusInput(values.status),
      ...(values.device ? { deviceId: values.device } : {}),
      ...(z.uuid().safeParse(values.deviceRef).success ? { deviceRef: values.deviceRef } : {}),
      ...(values.user ? { userId: values.user } : {}),
      ...(instantRange(values.since, values.until) ?? dayRange(values.from, values.to)),
      ...(cursor ? { cursor } : {}),
      limit: 50,
    }),
    [values, cursor],
  );
  const list = useQuery(trpc.batches.list.queryOptions(input));
  const filtered = KEYS.some((k) => values[k] !== "");

  return (
    <>
      <div className="flex flex-wrap items-end gap-x-3">
        <FilterBar fields={FIELDS} values={values} onChange={setFilters} />
        <DayFilters from={values.from} to={values.to} onChange={setFilters} />
      </div>
      {instantRange(values.since, values.until) ? (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Received from <DateTime value={values.since} /> to <DateTime value={values.until} /> (the overview&apos;s window).{" "}
          <button type="button" onClick={() => setFilters({ since: "", until: "" })} className="text-indigo-700 underline dark:text-indigo-300">Any time</button>
        </p>
      ) : null}
      {values.deviceRef ? (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Showing one device&apos;s batches.{" "}
          <button type="button" onClick={() => setFilters({ deviceRef: "" })} className="text-indigo-700 underline dark:text-indigo-300">Show every device</button>
        </p>
      ) : null}
      {list.isPending ? (
        <Loading label="Loading sync batches…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.batches.length === 0 ? (
        <EmptyState
          title={filtered ? "No sync batches match" : "No sync batches yet"}
          hint={cursor ? "This was the last page." : filtered ? "Try fewer filters." : "Every push a device makes is stored here."}
        />
      ) : (
        <>
          <Table caption="Sync batches" head={["Received", "User", "Source", "Bundle", "Mode", "Items", "Errors", "Conflicts", "Status", "Replay"]}>
            {list.data.batches.map((b) => (
              <tr key={b.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                <Td>
                  <Link href={`/batches/${b.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    <DateTime value={b.createdAt} />
                  </Link>
                </Td>
                <Td><UserLink userId={b.userId} /></Td>
                <Td><BatchSource source={b.source} deviceRef={b.deviceRef} deviceId={b.deviceId} /></Td>
                <Td className="font-mono text-xs">#{b.bundleId}</Td>
                <Td>
                  {b.mode}
                  {/* Records a device offered back after a restore or failover (docs/operations.md). */}
                  {b.recovered ? <> <Badge tone="info">recovered</Badge></> : null}
                </Td>
                <Td>{b.okCount}/{b.itemCount} ok</Td>
                <Td>{b.errorCount}</Td>
                <Td>{b.conflictCount}</Td>
                <Td><BatchStatusBadge status={b.status} /></Td>
                <Td>
                  {b.lastReplay
                    ? <Badge tone={b.lastReplay.status === "applied" ? "good" : "warn"}>attempt {b.lastReplay.attempt}: {b.lastReplay.status}</Badge>
                    : <span className="text-slate-500 dark:text-slate-400">—</span>}
                </Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.batches.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}

function DayFilters({ from, to, onChange }: { from: string; to: string; onChange: (changes: Record<string, string>) => void }) {
  const input = "mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
  return (
    <div className="mb-4 flex flex-wrap items-end gap-3">
      <label className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400">
        From day
        <input type="date" name="from" value={from} max={to || undefined} onChange={(e) => onChange({ from: e.target.value })} className={input} />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400">
        To day (inclusive)
        <input type="date" name="to" value={to} min={from || undefined} onChange={(e) => onChange({ to: e.target.value })} className={input} />
      </label>
    </div>
  );
}
