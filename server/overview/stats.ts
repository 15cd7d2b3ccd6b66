// Fleet activity over the last 24 hours (hourly buckets) or 7 days (daily buckets, UTC days).
// The database buckets and counts (generate_series + date_trunc), so the cost is a few grouped
// scans whatever the fleet size. What is not stored cannot be counted: pulls leave no row, so the
// "acks" series counts device checkpoints by their latest ack time, a lower bound on activity.
import type { DbOrTx } from "../db/client";

export type StatsWindow = "24h" | "7d";

export type StatsBucket = {
  start: Date;
  /** Distinct devices that pushed or acked in the bucket. */
  activeDevices: number;
  pushes: number;
  acks: number;
  conflictsOpened: number;
  conflictsResolved: number;
  /** Batches with status rejected or failed. */
  failedBatches: number;
  partialBatches: number;
};

export type OverviewStats = {
  window: StatsWindow;
  unit: "hour" | "day";
  from: Date;
  until: Date;
  buckets: StatsBucket[];
  totals: Omit<StatsBucket, "start"> & { openConflictsNow: number };
};

const SHAPES = {
  "24h": { unit: "hour", count: 24, stepMs: 3_600_000 },
  "7d": { unit: "day", count: 7, stepMs: 86_400_000 },
} as const;

type BucketRow = {
  bucket: string; active: number; pushes: number; acks: number; opened: number; resolved: number; failed: number; partial: number;
};

/** The first bucket's start and the end of the last one (which holds `now`), in UTC. */
function bounds(window: StatsWindow, now: Date): { from: Date; until: Date } {
  const { unit, count, stepMs } = SHAPES[window];
  const current = new Date(now);
  current.setUTCMinutes(0, 0, 0);
  if (unit === "day") current.setUTCHours(0);
  return { from: new Date(current.getTime() - (count - 1) * stepMs), until: new Date(current.getTime() + stepMs) };
}

export async function getOverviewStats(db: DbOrTx, window: StatsWindow, now: Date = new Date()): Promise<OverviewStats> {
  const { unit, stepMs } = SHAPES[window];
  const { from, until } = bounds(window, now);
  const [f, u, step] = [from.toISOString(), until.toISOString(), `${stepMs / 1000} seconds`];
  const rows = await db.$queryRaw<BucketRow[]>`
    WITH buckets AS (
      SELECT generate_series(${f}::timestamptz AT TIME ZONE 'UTC', ${u}::timestamptz AT TIME ZONE 'UTC' - ${step}::interval, ${step}::interval) AS bucket
    ), batches AS (
      SELECT date_trunc(${unit}, created_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS pushes,
        (count(*) FILTER (WHERE status IN ('rejected', 'failed')))::int AS failed,
        (count(*) FILTER (WHERE status = 'partial'))::int AS partial
      FROM sync_batches WHERE created_at >= ${f}::timestamptz AND created_at < ${u}::timestamptz GROUP BY 1
    ), acks AS (
      SELECT date_trunc(${unit}, acked_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS acks
      FROM device_checkpoints WHERE acked_at >= ${f}::timestamptz AND acked_at < ${u}::timestamptz GROUP BY 1
    ), active AS (
      SELECT bucket, count(DISTINCT device_ref)::int AS active FROM (
        SELECT date_trunc(${unit}, created_at AT TIME ZONE 'UTC') AS bucket, device_ref FROM sync_batches
        WHERE created_at >= ${f}::timestamptz AND created_at < ${u}::timestamptz
        UNION
        SELECT date_trunc(${unit}, acked_at AT TIME ZONE 'UTC'), device_ref FROM device_checkpoints
        WHERE acked_at >= ${f}::timestamptz AND acked_at < ${u}::timestamptz
      ) seen GROUP BY 1
    ), opened AS (
      SELECT date_trunc(${unit}, created_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS opened
      FROM conflicts WHERE created_at >= ${f}::timestamptz AND created_at < ${u}::timestamptz GROUP BY 1
    ), resolved AS (
      SELECT date_trunc(${unit}, resolved_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS resolved
      FROM conflicts WHERE status = 'resolved' AND resolved_at >= ${f}::timestamptz AND resolved_at < ${u}::timestamptz GROUP BY 1
    )
    SELECT to_char(b.bucket, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket,
      coalesce(a.active, 0) AS active, coalesce(p.pushes, 0) AS pushes, coalesce(k.acks, 0) AS acks,
      coalesce(o.opened, 0) AS opened, coalesce(r.resolved, 0) AS resolved,
      coalesce(p.failed, 0) AS failed, coalesce(p.partial, 0) AS partial
    FROM buckets b
    LEFT JOIN batches p ON p.bucket = b.bucket
    LEFT JOIN acks k ON k.bucket = b.bucket
    LEFT JOIN active a ON a.bucket = b.bucket
    LEFT JOIN opened o ON o.bucket = b.bucket
    LEFT JOIN resolved r ON r.bucket = b.bucket
    ORDER BY b.bucket`;
  const buckets = rows.map((r) => ({
    start: new Date(r.bucket),
    activeDevices: Number(r.active),
    pushes: Number(r.pushes),
    acks: Number(r.acks),
    conflictsOpened: Number(r.opened),
    conflictsResolved: Number(r.resolved),
    failedBatches: Number(r.failed),
    partialBatches: Number(r.partial),
  }));
  return { window, unit, from, until, buckets, totals: await windowTotals(db, buckets, from, until) };
}

async function windowTotals(db: DbOrTx, buckets: StatsBucket[], from: Date, until: Date): Promise<OverviewStats["totals"]> {
  const sum = (pick: (b: StatsBucket) => number) => buckets.reduce((n, b) => n + pick(b), 0);
  // A device active in two buckets is one device: count the window as a whole. last_seen_at is
  // refreshed by every request (pulls included), so it catches devices that only pulled.
  const [seen] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM devices WHERE last_seen_at >= ${from.toISOString()}::timestamptz AND last_seen_at < ${until.toISOString()}::timestamptz`;
  const openConflictsNow = await db.conflict.count({ where: { status: "open" } });
  return {
    activeDevices: Number(seen?.n ?? 0),
    pushes: sum((b) => b.pushes),
    acks: sum((b) => b.acks),
    conflictsOpened: sum((b) => b.conflictsOpened),
    conflictsResolved: sum((b) => b.conflictsResolved),
    failedBatches: sum((b) => b.failedBatches),
    partialBatches: sum((b) => b.partialBatches),
    openConflictsNow,
  };
}
