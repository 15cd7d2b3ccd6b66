"use client";
// The user list: search by part of the id, in id order, paged by cursor.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@/components/trpc";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import { UserLink } from "./user-link";

const KEYS = ["q"] as const;
const FIELDS: FilterField[] = [{ key: "q", label: "Search", kind: "text", placeholder: "part of a user id" }];

export function UserList() {
  const trpc = useTRPC();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  const input = useMemo(() => ({ ...(values.q ? { q: values.q } : {}), ...(cursor ? { cursor } : {}), limit: 50 }), [values, cursor]);
  const list = useQuery(trpc.users.list.queryOptions(input));
  return (
    <>
      <FilterBar fields={FIELDS} values={values} onChange={setFilters} />
      {list.isPending ? <Loading label="Loading users…" /> : list.isError ? <ErrorState error={list.error} /> : list.data.users.length === 0 ? (
        <EmptyState title={values.q ? "No users match" : "No users yet"} hint={cursor ? "This was the last page." : values.q ? "Try part of the id." : "A user appears here after their first device syncs."} />
      ) : (
        <>
          <Table caption="Users" head={["User", "Devices", "Last seen"]}>
            {list.data.users.map((u) => (
              <tr key={u.userId} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                <Td><UserLink userId={u.userId} /></Td>
                <Td>{u.devices}</Td>
                <Td><DateTime value={u.lastSeenAt} /></Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.users.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}
