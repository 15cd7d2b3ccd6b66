"use client";
// One conflict: what each side holds, field by field; whether the record moved on since; who
// resolved it; and, for support and above, the actions to resolve it.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import { useCan } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { RecordMedia } from "@/components/media/media-attachments";
import { Badge, Card, DateTime, EmptyState, ErrorState, JsonView, Loading, PageHeader } from "@/components/ui/primitives";
import type { ConsoleConflict } from "@/server/conflicts/console-get";
import { ComparisonTable, Legend, type Column, type Side } from "./comparison-table";
import { resolutionLabel } from "./labels";
import { ResolvePanel, type Mode } from "./resolve-panel";
import { UserLink } from "@/components/users/user-link";

function columnsOf(view: ConsoleConflict): Column[] {
  const { conflict, current } = view;
  return [
    { side: "base", title: `Base v${conflict.base_version ?? "?"}`, note: conflict.base_data ? "what the client started from" : "not known" },
    { side: "server", title: `Server v${conflict.server_version}`, note: conflict.server_deleted ? "deleted" : "when the conflict opened" },
    { side: "client", title: "Client", note: conflict.client_action === "delete" ? "wants to delete" : `wants to ${conflict.client_action}` },
    ...(view.changedSinceOpened && current
      ? [{ side: "current" as const, title: `Current v${current.version}`, note: current.deleted ? "deleted" : "the record now" }]
      : []),
  ];
}

/** The default merge: the server's (or current) value, except fields only the client changed. */
function defaultPicks(view: ConsoleConflict): Record<string, Side> {
  const serverSide: Side = view.changedSinceOpened ? "current" : "server";
  return Object.fromEntries(view.comparison.map((row) => {
    const clientOnly = row.changedByClient === true && row.changedByServer === false && !row.changedSinceOpened;
    return [row.field, clientOnly ? "client" : serverSide];
  }));
}

export function ConflictDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const canResolve = useCan("support");
  // Keep the version on screen stable while the person decides: no refetch behind their back.
  const detail = useQuery({ ...trpc.conflicts.get.queryOptions({ id }), refetchOnWindowFocus: false });
  const [mode, setMode] = useState<Mode>("idle");
  const [picked, setPicked] = useState<Record<string, Side>>({});
  const view = detail.data;
  const picks = useMemo(() => (view ? { ...defaultPicks(view), ...picked } : {}), [view, picked]);
  const fromPicks = useMemo(() => {
    const data: Record<string, unknown> = {};
    for (const row of view?.comparison ?? []) {
      const value = row[picks[row.field] ?? "server"];
      if (value !== undefined) data[row.field] = value;
    }
    return data;
  }, [view, picks]);

  if (detail.isPending) return <Loading label="Loading conflict…" />;
  if (detail.isError) {
    const missing = detail.error.data?.code === "NOT_FOUND";
    return missing
      ? <EmptyState title="No such conflict" hint={<Link href="/conflicts" className="text-indigo-600 hover:underline">Back to the inbox</Link>} />
      : <ErrorState error={detail.error} />;
  }
  const { conflict } = detail.data;
  const columns = columnsOf(detail.data);
  const open = conflict.status === "open";

  return (
    <>
      <PageHeader
        title={`Conflict on ${conflict.type} ${conflict.record_id}`}
        description={<Link href="/conflicts" className="text-indigo-600 hover:underline dark:text-indigo-400">← All conflicts</Link>}
        actions={open ? <Badge tone="warn">open</Badge> : <Badge tone="good">resolved</Badge>}
      />
      <Summary view={detail.data} />
      {open && detail.data.changedSinceOpened ? <ChangedBanner view={detail.data} /> : null}
      {!open ? <ResolvedCard view={detail.data} /> : null}
      <h2 className="mb-2 mt-6 text-sm font-semibold">Field by field</h2>
      <Legend columns={columns} />
      <ComparisonTable
        rows={detail.data.comparison}
        columns={columns}
        {...(open && mode === "merge" ? { picks, onPick: (field: string, side: Side) => setPicked((p) => ({ ...p, [field]: side })) } : {})}
      />
      <RecordMedia records={[conflict.client_data, conflict.server_data, conflict.base_data].map((data) => ({ type: conflict.type, data }))} title="Media on either side" />
      {open && canResolve && detail.data.typeConfigured ? (
        <ResolvePanel view={detail.data} mode={mode} onMode={setMode} fromPicks={fromPicks} />
      ) : null}
      {open && canResolve && !detail.data.typeConfigured ? (
        <p className="mt-4 text-sm text-slate-600">Type {conflict.type} is no longer configured, so this conflict cannot be resolved here.</p>
      ) : null}
    </>
  );
}

function Summary({ view }: { view: ConsoleConflict }) {
  const { conflict, device } = view;
  const items: [string, ReactNode][] = [
    ["Opened", <DateTime key="o" value={conflict.created_at} />],
    ["User", <UserLink key="u" userId={view.userId} />],
    ["Device", device ? <Link key="d" href={`/devices/${device.ref}`} className="font-mono text-xs text-indigo-600 hover:underline">{device.deviceId}</Link> : "—"],
    ["Batch", conflict.batch_id ? <Link key="b" href={`/batches/${conflict.batch_id}`} className="font-mono text-xs text-indigo-600 hover:underline">item {conflict.item_index ?? "?"} of {conflict.batch_id.slice(0, 8)}</Link> : "—"],
    ["Policy", conflict.policy],
    ["Conflicting fields", conflict.fields.join(", ") || "—"],
  ];
  return (
    <Card>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
        {items.map(([label, value]) => (
          <div key={label}><dt className="text-xs text-slate-500">{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
    </Card>
  );
}

function ChangedBanner({ view }: { view: ConsoleConflict }) {
  const current = view.current;
  return (
    <div role="alert" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      <p className="font-medium">
        The record changed since this conflict opened: it was version {view.conflict.server_version}, it is now{" "}
        {current ? `version ${current.version}${current.deleted ? " (deleted)" : ""}` : "gone"}.
      </p>
      <p className="mt-1">The Current column shows the new server value. A resolution applies to version {current?.version ?? 0} only; if the record changes again before you save, nothing is written and you will see the newer value.</p>
      {current?.data ? <div className="mt-2"><JsonView value={current.data} label="Current server value" /></div> : null}
    </div>
  );
}

function ResolvedCard({ view }: { view: ConsoleConflict }) {
  const { conflict, resolver } = view;
  return (
    <Card title="Resolution" className="mt-4">
      <p className="text-sm">
        <span className="font-medium">{resolutionLabel(conflict.resolution)}</span> by{" "}
        <span className="font-medium">{resolver ? `${resolver.label} (${resolver.type})` : "unknown"}</span> on <DateTime value={conflict.resolved_at} />.
      </p>
      {conflict.resolved_data ? <div className="mt-2"><JsonView value={conflict.resolved_data} label="Resolved data" /></div> : <p className="mt-2 text-sm text-slate-500">The record was deleted.</p>}
    </Card>
  );
}
