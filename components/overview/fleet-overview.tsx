"use client";
// Fleet health over the last 24 hours or 7 days: a small chart per measure with its totals beside
// it, and links to the lists behind the numbers.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "@/components/trpc";
import { Segmented } from "@/components/ui/segmented";
import { LiveBadge, useLiveRefresh } from "@/components/use-live-refresh";
import { Card, ErrorState, Loading } from "@/components/ui/primitives";
import { useUrlFilters } from "@/components/use-url-filters";
import type { OverviewStats, StatsBucket } from "@/server/overview/stats";
import { BarChart, type Series } from "./bar-chart";

const KEYS = ["window"] as const;
const RANGES = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
] as const;

const TONES = {
  a: "fill-indigo-500",
  b: "fill-emerald-500",
  bad: "fill-red-500",
  warn: "fill-amber-400",
};

const seriesOf = (buckets: StatsBucket[], label: string, pick: (b: StatsBucket) => number, className: string): Series =>
  ({ label, values: buckets.map(pick), className });

export function FleetOverview() {
  const trpc = useTRPC();
  const live = useLiveRefresh();
  const { values, setFilters } = useUrlFilters(KEYS);
  const range = values.window === "7d" ? "7d" : "24h";
  const stats = useQuery(trpc.overview.stats.queryOptions({ window: range }));

  return (
    <>
      <div className="mb-2 flex justify-end"><LiveBadge connected={live} /></div>
      <Segmented label="Time window" options={RANGES} value={range} onChange={(v) => setFilters({ window: v === "24h" ? "" : v })} className="mb-6" />
      {stats.isPending ? <Loading label="Loading activity…" /> : stats.isError ? <ErrorState error={stats.error} /> : <Panels stats={stats.data} />}
    </>
  );
}

function Panels({ stats }: { stats: OverviewStats }) {
  const { buckets, totals, unit } = stats;
  const starts = buckets.map((b) => b.start);
  const age = stats.window === "24h" ? "lt24h" : "lt7d";
  const per = unit === "hour" ? "hourly" : "daily (UTC days)";
  // Each link opens exactly what its number counts: the same statuses in the same window.
  const inWindow = (params: Record<string, string>) =>
    `/batches?${new URLSearchParams({ ...params, since: new Date(stats.from).toISOString(), until: new Date(stats.until).toISOString() }).toString()}`;
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Panel title="Active devices" numbers={[[totals.activeDevices, "devices seen in the window"]]} link={<Link href="/devices">All devices</Link>}>
        <BarChart title="Devices that pushed or acked" unit={unit} starts={starts} series={[seriesOf(buckets, "devices", (b) => b.activeDevices, TONES.a)]} />
        <Note>Bars: distinct devices that pushed or acked, {per}. The total also counts devices that only pulled.</Note>
      </Panel>
      <Panel title="Pushes and acks" numbers={[[totals.pushes, "pushes"], [totals.acks, "acks"]]} link={<Link href={inWindow({})}>Pushes in this window</Link>}>
        <BarChart title="Pushes and acks" unit={unit} starts={starts} series={[
          seriesOf(buckets, "pushes", (b) => b.pushes, TONES.a),
          seriesOf(buckets, "acks", (b) => b.acks, TONES.b),
        ]} />
        <Note>Pulls are not recorded, so acks stand in for them: each device keeps only its latest ack per stream, so earlier acks are not counted.</Note>
      </Panel>
      <Panel
        title="Conflicts"
        numbers={[[totals.conflictsOpened, "opened"], [totals.conflictsResolved, "resolved"], [totals.openConflictsNow, "open now"]]}
        link={<><Link href="/conflicts">Open conflicts</Link> · <Link href={`/conflicts?status=all&age=${age}`}>Opened in this window</Link></>}
      >
        <BarChart title="Conflicts opened and resolved" unit={unit} starts={starts} series={[
          seriesOf(buckets, "opened", (b) => b.conflictsOpened, TONES.warn),
          seriesOf(buckets, "resolved", (b) => b.conflictsResolved, TONES.b),
        ]} />
      </Panel>
      <Panel
        title="Failed batches"
        numbers={[[totals.failedBatches, "rejected or failed"], [totals.partialBatches, "partial"]]}
        link={<><Link href={inWindow({ status: "rejected_or_failed" })}>Rejected or failed</Link> · <Link href={inWindow({ status: "partial" })}>Partial</Link></>}
      >
        <BarChart title="Rejected or failed, and partial batches" unit={unit} starts={starts} series={[
          seriesOf(buckets, "rejected or failed", (b) => b.failedBatches, TONES.bad),
          seriesOf(buckets, "partial", (b) => b.partialBatches, TONES.warn),
        ]} />
      </Panel>
    </div>
  );
}

function Panel({ title, numbers, link, children }: { title: string; numbers: [number, string][]; link: ReactNode; children: ReactNode }) {
  return (
    <Card>
      <div className="flex flex-col gap-4 sm:flex-row">
        <div className="sm:w-40 sm:shrink-0">
          <h2 className="text-sm font-semibold text-slate-700 dark:text-slate-300">{title}</h2>
          <dl className="mt-2 space-y-1">
            {numbers.map(([value, label]) => (
              <div key={label} className="flex flex-row-reverse items-baseline justify-end gap-2">
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd className="text-2xl font-semibold tabular-nums">{value.toLocaleString()}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-2 text-xs text-indigo-600 dark:text-indigo-400 [&_a]:hover:underline">{link}</p>
        </div>
        <div className="min-w-0 flex-1">{children}</div>
      </div>
    </Card>
  );
}

function Note({ children }: { children: ReactNode }) {
  return <p className="mt-2 text-xs text-slate-500">{children}</p>;
}
