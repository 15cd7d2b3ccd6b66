"use client";
// The audit log: filters in the URL, newest first, each entry linked to what it changed, its
// details (before/after and the rest) one click away.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useMemo, useState } from "react";
import type { AuditRow as TAuditRow } from "@/server/audit/list";
import { useTRPC } from "@/components/trpc";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { DateTime, EmptyState, ErrorState, JsonView, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import { UserLink } from "@/components/users/user-link";

const ACTOR_TYPES = ["staff", "device", "system"] as const;
const KEYS = ["actorType", "actor", "action", "targetType", "target", "window", "from", "to"] as const;

const WINDOWS = [
  { value: "1h", label: "Last hour", hours: 1 },
  { value: "24h", label: "Last 24 hours", hours: 24 },
  { value: "7d", label: "Last 7 days", hours: 24 * 7 },
  { value: "30d", label: "Last 30 days", hours: 24 * 30 },
] as const;

const FIELDS: FilterField[] = [
  { key: "actorType", label: "Actor type", kind: "select", options: ACTOR_TYPES.map((v) => ({ value: v, label: v })) },
  { key: "actor", label: "Actor id", kind: "text", placeholder: "staff id, user/device" },
  { key: "action", label: "Action", kind: "text", placeholder: "conflict.resolve or conflict." },
  { key: "targetType", label: "Target type", kind: "select", options: ["conflict", "device", "batch", "staff"].map((v) => ({ value: v, label: v })) },
  { key: "target", label: "Target id", kind: "text" },
  { key: "window", label: "Time", kind: "select", options: WINDOWS.map(({ value, label }) => ({ value, label })) },
  { key: "from", label: "From (UTC)", kind: "text", placeholder: "2030-01-31 or ISO time" },
  { key: "to", label: "Until (UTC)", kind: "text", placeholder: "2030-02-01" },
];

const TARGET_PAGES: Record<string, string> = { conflict: "/conflicts", device: "/devices", batch: "/batches" };

/** A date typed into a filter, or null when it is not one. */
function parseDate(text: string): Date | null {
  if (!text) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function AuditLog() {
  const trpc = useTRPC();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  const badDates = [values.from && !parseDate(values.from) ? "From" : null, values.to && !parseDate(values.to) ? "Until" : null].filter(Boolean);
  const input = useMemo(() => {
    const hours = WINDOWS.find((w) => w.value === values.window)?.hours;
    const [from, to] = [parseDate(values.from), parseDate(values.to)];
    const actorType = ACTOR_TYPES.find((t) => t === values.actorType);
    return {
      ...(actorType ? { actorType } : {}),
      ...(values.actor ? { actorId: values.actor } : {}),
      ...(values.action ? { action: values.action } : {}),
      ...(values.targetType ? { targetType: values.targetType } : {}),
      ...(values.target ? { targetId: values.target } : {}),
      ...(hours ? { sinceHours: hours } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(cursor ? { cursor } : {}),
      limit: 50,
    };
  }, [values, cursor]);
  const list = useQuery(trpc.audit.list.queryOptions(input));

  return (
    <>
      <FilterBar fields={FIELDS} values={values} onChange={setFilters} />
      {badDates.length ? <p role="alert" className="mb-3 text-sm text-red-700">{badDates.join(" and ")}: not a date, ignored.</p> : null}
      {list.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.rows.length === 0 ? (
        <EmptyState title="No audit entries match" hint="Try fewer filters or a longer time window." />
      ) : (
        <>
          <Table caption="Audit log" head={["When", "Actor", "Action", "Target", "Details"]}>
            {list.data.rows.map((row) => <AuditRow key={row.id} row={row} />)}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.rows.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}

/** One entry; its details open in a full-width row below it. */
function AuditRow({ row }: { row: TAuditRow }) {
  const [open, setOpen] = useState(false);
  const page = TARGET_PAGES[row.target.type];
  const detailsId = `audit-details-${row.id}`;
  return (
    <Fragment>
      <tr>
        <Td><DateTime value={row.at} /></Td>
        <Td>
          <span className="text-xs text-slate-500">{row.actor.type}</span>{" "}
          {row.actor.type === "device" ? (
            // A device actor is "<user>/<device>": the user part links to the user.
            <span className="font-mono text-xs" title={row.actor.id}><UserLink userId={row.actor.id.split("/")[0] ?? row.actor.id} />{row.actor.id.includes("/") ? row.actor.id.slice(row.actor.id.indexOf("/")) : ""}</span>
          ) : <span className="font-mono text-xs" title={row.actor.id}>{row.actor.label}</span>}
        </Td>
        <Td className="font-mono text-xs">{row.action}</Td>
        <Td>
          <span className="text-xs text-slate-500">{row.target.type}</span>{" "}
          {page ? (
            <Link href={`${page}/${encodeURIComponent(row.target.id)}`} className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400">{row.target.id}</Link>
          ) : <span className="font-mono text-xs">{row.target.id}</span>}
        </Td>
        <Td>
          <button
            type="button"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen((o) => !o)}
            className="text-xs text-indigo-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-400"
          >
            {open ? "Hide details" : "Show details"}
          </button>
        </Td>
      </tr>
      {open ? (
        <tr id={detailsId}>
          <td colSpan={5} className="bg-slate-50 px-3 py-2 dark:bg-slate-950">
            <JsonView value={row.details} label={`Details of audit entry ${row.id}`} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
