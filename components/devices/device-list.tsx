"use client";
// The device list: search and filters kept in the URL, most recently seen first, paged by cursor.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { useTRPC } from "@/components/trpc";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import { DeviceStatusBadge, HistoryBadge, LagValue, LastErrorCell } from "./device-health";
import { HISTORY_OPTIONS, REVOKED_OPTIONS, SEEN_WINDOWS, historyInput, revokedInput, seenInput } from "./labels";
import { UserLink } from "@/components/users/user-link";

const KEYS = ["q", "user", "platform", "version", "seen", "status", "history"] as const;

const FIELDS: FilterField[] = [
  { key: "q", label: "Search", kind: "text", placeholder: "user or device id" },
  { key: "user", label: "User id", kind: "text", placeholder: "exact user id" },
  { key: "platform", label: "Platform", kind: "text", placeholder: "ios, android…" },
  { key: "version", label: "App version", kind: "text", placeholder: "exact version" },
  { key: "seen", label: "Last seen", kind: "select", options: SEEN_WINDOWS.map(({ value, label }) => ({ value, label })) },
  { key: "status", label: "Status", kind: "select", options: REVOKED_OPTIONS.map(({ value, label }) => ({ value, label })) },
  { key: "history", label: "History", kind: "select", options: HISTORY_OPTIONS.map(({ value, label }) => ({ value, label })) },
];

export function DeviceList() {
  const trpc = useTRPC();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  // "Last hour" means the hour before the filter was chosen, the same on every page.
  const seen = useMemo(() => seenInput(values.seen, Date.now()), [values.seen]);
  const input = useMemo(
    () => ({
      ...(values.q ? { q: values.q } : {}),
      ...(values.user ? { userId: values.user } : {}),
      ...(values.platform ? { platform: values.platform } : {}),
      ...(values.version ? { appVersion: values.version } : {}),
      ...seen,
      ...revokedInput(values.status),
      ...historyInput(values.history),
      ...(cursor ? { cursor } : {}),
      limit: 50,
    }),
    [values, seen, cursor],
  );
  const list = useQuery(trpc.devices.list.queryOptions(input));
  const filtered = KEYS.some((k) => values[k] !== "");

  return (
    <>
      <FilterBar fields={FIELDS} values={values} onChange={setFilters} />
      {list.isPending ? (
        <Loading label="Loading devices…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.devices.length === 0 ? (
        <EmptyState
          title={filtered ? "No devices match" : "No devices yet"}
          hint={cursor ? "This was the last page." : filtered ? "Try fewer filters." : "A device appears here after its first sync request."}
        />
      ) : (
        <>
          <Table caption="Devices" head={["User", "Device", "Status", "History", "Platform", "App version", "Last seen", "Lag", "Open conflicts", "Last error"]}>
            {list.data.devices.map((device) => (
              <tr key={device.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                <Td><UserLink userId={device.userId} /></Td>
                <Td>
                  <Link href={`/devices/${device.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {device.deviceId}
                  </Link>
                </Td>
                <Td><DeviceStatusBadge status={device.status} /></Td>
                <Td><HistoryBadge divergedAt={device.divergedAt} healedAt={device.healedAt} /></Td>
                <Td>{device.platform ?? <span className="text-slate-500 dark:text-slate-400">—</span>}</Td>
                <Td>{device.appVersion ?? <span className="text-slate-500 dark:text-slate-400">—</span>}</Td>
                <Td><DateTime value={device.lastSeenAt} /></Td>
                <Td><LagValue lag={device.lag} streams={device.streams} /></Td>
                <Td>
                  {device.openConflicts > 0 ? (
                    <Link href={`/conflicts?device=${device.id}`} className="font-medium text-amber-700 hover:underline dark:text-amber-300">
                      {device.openConflicts}
                    </Link>
                  ) : <span className="text-slate-500">0</span>}
                </Td>
                <Td className="whitespace-normal"><LastErrorCell error={device.lastError} /></Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.devices.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}
