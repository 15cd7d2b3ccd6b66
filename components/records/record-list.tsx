"use client";
// The record browser: filters kept in the URL, records in key order, paged by cursor.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { useTRPC } from "@/components/trpc";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { Badge, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import { UserLink } from "@/components/users/user-link";
import { recordHref } from "./links";

const KEYS = ["user", "stream", "type", "id", "field", "value", "status"] as const;

const FIELDS: FilterField[] = [
  { key: "user", label: "User id", kind: "text", placeholder: "exact user id" },
  { key: "stream", label: "Stream", kind: "text", placeholder: "user:alice, org:acme…" },
  { key: "type", label: "Type", kind: "text", placeholder: "memo, diary…" },
  { key: "id", label: "Record id", kind: "text", placeholder: "id or its start" },
  { key: "field", label: "Field", kind: "text", placeholder: "top-level field" },
  { key: "value", label: "Field value", kind: "text", placeholder: "exact value" },
  { key: "status", label: "Status", kind: "select", options: [{ value: "live", label: "Live" }, { value: "deleted", label: "Deleted" }] },
];

export function RecordList() {
  const trpc = useTRPC();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  const input = useMemo(
    () => ({
      ...(values.user ? { userId: values.user } : {}),
      ...(values.stream ? { stream: values.stream } : {}),
      ...(values.type ? { type: values.type } : {}),
      ...(values.id ? { id: values.id } : {}),
      ...(values.field ? { field: { name: values.field, value: values.value } } : {}),
      ...(values.status === "live" ? { deleted: false } : values.status === "deleted" ? { deleted: true } : {}),
      ...(cursor ? { cursor } : {}),
      limit: 50,
    }),
    [values, cursor],
  );
  const list = useQuery(trpc.records.list.queryOptions(input));
  const filtered = KEYS.some((k) => values[k] !== "");

  return (
    <>
      <FilterBar fields={FIELDS} values={values} onChange={setFilters} />
      {values.value && !values.field ? <p role="note" className="mb-3 text-sm text-amber-700 dark:text-amber-300">Name the field the value is for.</p> : null}
      {list.isPending ? (
        <Loading label="Loading records…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.records.length === 0 ? (
        <EmptyState
          title={filtered ? "No records match" : "No records yet"}
          hint={cursor ? "This was the last page." : filtered ? "Try fewer filters, or the whole record id." : "Records appear here once a device pushes them."}
        />
      ) : (
        <>
          <Table caption="Records" head={["Record", "Type", "Stream", "Version", "Updated", "Data"]}>
            {list.data.records.map((r) => (
              <tr key={`${r.stream}\u0000${r.type}\u0000${r.id}`} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                <Td>
                  <Link href={recordHref(r)} className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300">{r.id}</Link>
                  {r.deleted ? <span className="ml-2"><Badge tone="bad">deleted</Badge></span> : null}
                </Td>
                <Td>{r.type}</Td>
                <Td className="font-mono text-xs">
                  {r.stream.startsWith("user:") ? <>user:<UserLink userId={r.stream.slice(5)} /></> : r.stream}
                </Td>
                <Td>v{r.version}</Td>
                <Td><DateTime value={r.updatedAt} /></Td>
                <Td className="max-w-md truncate font-mono text-xs text-slate-600 dark:text-slate-400">{r.preview}</Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.records.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}
