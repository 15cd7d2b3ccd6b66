"use client";
// The conflict inbox: status tabs and filters kept in the URL, newest first, paged by cursor.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { useTRPC } from "@/components/trpc";
import { Segmented } from "@/components/ui/segmented";
import { LiveBadge, useLiveRefresh } from "@/components/use-live-refresh";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { Badge, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import { AGE_FILTERS, ageInput, resolutionLabel } from "./labels";
import { UserLink } from "@/components/users/user-link";

const KEYS = ["status", "type", "user", "device", "age"] as const;
const STATUSES = [
  { value: "open", label: "Open" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All" },
] as const;

const FIELDS: FilterField[] = [
  { key: "user", label: "User id", kind: "text", placeholder: "exact user id" },
  { key: "device", label: "Device", kind: "text", placeholder: "device id" },
  { key: "age", label: "Age", kind: "select", options: AGE_FILTERS.map(({ value, label }) => ({ value, label })) },
];

export function ConflictInbox() {
  const trpc = useTRPC();
  const live = useLiveRefresh();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  const status = STATUSES.find((s) => s.value === values.status)?.value ?? "open";
  const input = useMemo(
    () => ({
      status,
      ...(values.type ? { type: values.type } : {}),
      ...(values.user ? { userId: values.user } : {}),
      ...(values.device ? { device: values.device } : {}),
      ...ageInput(values.age),
      ...(cursor ? { cursor } : {}),
      limit: 50,
    }),
    [status, values, cursor],
  );
  const list = useQuery(trpc.conflicts.list.queryOptions(input));
  // The type filter offers the app's types as configured (the Schema page's list).
  const types = useQuery(trpc.schema.types.queryOptions(undefined, { staleTime: Infinity }));
  const fields = useMemo<FilterField[]>(() => [
    { key: "type", label: "Type", kind: "select", options: (types.data?.types ?? []).map((t) => ({ value: t.name, label: t.name })) },
    ...FIELDS,
  ], [types.data]);

  return (
    <>
      <div className="mb-2 flex justify-end"><LiveBadge connected={live} /></div>
      <Segmented label="Status" options={STATUSES} value={status} onChange={(v) => setFilters({ status: v === "open" ? "" : v })} className="mb-4" />
      <FilterBar fields={fields} values={values} onChange={setFilters} />
      {list.isPending ? (
        <Loading label="Loading conflicts…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.rows.length === 0 ? (
        <EmptyState
          title={status === "open" ? "No open conflicts" : "No conflicts match"}
          hint={cursor ? "This was the last page." : "Try another status or fewer filters."}
        />
      ) : (
        <>
          <Table caption="Conflicts" head={["Opened", "Record", "Conflicting fields", "User", "Device", "Status"]}>
            {list.data.rows.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                <Td><DateTime value={row.createdAt} /></Td>
                <Td>
                  <Link href={`/conflicts/${row.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {row.type} <span className="font-mono text-xs">{row.recordId}</span>
                  </Link>
                </Td>
                <Td className="whitespace-normal">{row.fields.join(", ") || <span className="text-slate-500 dark:text-slate-400">—</span>}</Td>
                <Td><UserLink userId={row.userId} /></Td>
                <Td>
                  {row.device ? (
                    <Link href={`/devices/${row.device.ref}`} className="font-mono text-xs hover:underline">{row.device.deviceId}</Link>
                  ) : <span className="text-slate-500 dark:text-slate-400">—</span>}
                </Td>
                <Td>
                  {row.status === "open" ? <Badge tone="warn">open</Badge> : <Badge tone="good">{resolutionLabel(row.resolution)}</Badge>}
                </Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.rows.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}
