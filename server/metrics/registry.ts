// Prometheus metrics of this process (prom-client), scraped at GET /api/metrics. One registry per
// process (server/process-singleton.ts: Next loads a copy of this module per route bundle). Domain
// code calls the record* functions; nothing here knows about HTTP frameworks.
import client from "prom-client";
import { getDatabase } from "../db/client";
import { processSingleton } from "../process-singleton";
import type { TPushResponse } from "@syncdesk/protocol";

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []) => new client.Counter({ name, help, labelNames, registers });
  return {
    registry,
    httpRequests: counter("syncdesk_http_requests_total", "Mobile API requests by route, method and status", ["route", "method", "status"]),
    httpDuration: new client.Histogram({
      name: "syncdesk_http_request_duration_seconds",
      help: "Mobile API request latency by route, method and status",
      labelNames: ["route", "method", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpResponseBytes: counter("syncdesk_http_response_bytes_total", "Bytes of JSON answered by route", ["route"]),
    bundles: counter("syncdesk_bundles_committed_total", "Bundles committed to the change log, by writer", ["writer"]),
    bundleChanges: counter("syncdesk_bundle_changes_total", "Changes committed to the change log, by writer", ["writer"]),
    bundleDuration: new client.Histogram({
      name: "syncdesk_bundle_commit_seconds", help: "Time from a bundle's transaction start to its commit, by writer",
      labelNames: ["writer"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
    }),
    pushes: counter("syncdesk_pushes_total", "Pushes processed (stored retries excluded) by status", ["status"]),
    pushItems: counter("syncdesk_push_items_total", "Push items by outcome", ["outcome"]),
    conflictsOpened: counter("syncdesk_conflicts_opened_total", "Conflicts stored for resolution"),
    conflictsResolved: counter("syncdesk_conflicts_resolved_total", "Conflicts resolved, by resolution", ["resolution"]),
    pulls: counter("syncdesk_pulls_total", "Pull pages served"),
    pulledChanges: counter("syncdesk_pulled_changes_total", "Changes delivered by pulls"),
    pulledBytes: counter("syncdesk_pulled_bytes_total", "Bytes of pull pages (JSON, as sent before compression)"),
    bootstrapPages: counter("syncdesk_bootstrap_pages_total", "Bootstrap pages served"),
    bootstrapRecords: counter("syncdesk_bootstrap_records_total", "Records delivered by bootstrap pages"),
    uploadBytes: counter("syncdesk_upload_bytes_total", "Bytes received by uploads"),
    uploadsStarted: counter("syncdesk_uploads_started_total", "Uploads started by kind (resumable, presigned, tus)", ["kind"]),
    uploadsCompleted: counter("syncdesk_uploads_completed_total", "Uploads stored as blobs by kind", ["kind"]),
    uploadsFailed: counter("syncdesk_uploads_failed_total", "Uploads refused at completion or expired, by reason", ["reason"]),
    jobRuns: counter("syncdesk_job_runs_total", "Background job runs by job and outcome", ["job", "outcome"]),
    jobDuration: new client.Histogram({
      name: "syncdesk_job_duration_seconds", help: "Background job run time", labelNames: ["job"],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300], registers,
    }),
    liveConnections: new client.Gauge({ name: "syncdesk_live_connections", help: "Open live-update (SSE) connections", registers }),
    pokes: counter("syncdesk_live_pokes_total", "Pokes sent to live-update connections"),
    dbReads: counter("syncdesk_db_reads_total", "Reads that may use a replica (DATABASE_READ_URLS), by where they ran and why", ["target"]),
    dbPool: new client.Gauge({
      name: "syncdesk_db_pool_connections",
      help: "PostgreSQL pool connections by state (total, idle, waiting requests, max); absent on the embedded database",
      labelNames: ["state"],
      registers,
      async collect() {
        const database = await getDatabase().catch(() => null);
        const pool = database?.pool;
        if (!pool) return;
        this.set({ state: "total" }, pool.totalCount);
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "waiting" }, pool.waitingCount);
        this.set({ state: "max" }, pool.options.max ?? 10);
      },
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
declare module "../process-singleton" {
  interface ProcessSingletons {
    metrics: Metrics;
  }
}

export function metrics(): Metrics {
  return processSingleton("metrics", createMetrics);
}

export type HttpSample = { route: string; method: string; status: number; seconds: number; bytes: number };

export function recordHttpRequest(sample: HttpSample): void {
  const m = metrics();
  const labels = { route: sample.route, method: sample.method, status: String(sample.status) };
  m.httpRequests.inc(labels);
  m.httpDuration.observe(labels, sample.seconds);
  if (sample.bytes > 0) m.httpResponseBytes.inc({ route: sample.route }, sample.bytes);
}

/** A committed bundle (every change-log writer passes here: server/sync/commit-bundle.ts). */
export function recordBundleCommit(writer: string, changes: number, seconds: number): void {
  const m = metrics();
  m.bundles.inc({ writer });
  if (changes > 0) m.bundleChanges.inc({ writer }, changes);
  m.bundleDuration.observe({ writer }, seconds);
}

/** A push that was processed now (not a stored answer to a retry). */
export function recordPush(response: TPushResponse): void {
  const m = metrics();
  m.pushes.inc({ status: response.status });
  for (const result of response.results) {
    m.pushItems.inc({ outcome: result.status });
    if (result.conflict?.conflict_id) m.conflictsOpened.inc();
  }
}

export function recordConflictResolved(resolution: string): void {
  metrics().conflictsResolved.inc({ resolution });
}

export function recordPull(changes: number, bytes: number): void {
  const m = metrics();
  m.pulls.inc();
  m.pulledChanges.inc(changes);
  m.pulledBytes.inc(bytes);
}

export function recordBootstrapPage(records: number): void {
  metrics().bootstrapPages.inc();
  metrics().bootstrapRecords.inc(records);
}

export function recordUploadBytes(bytes: number): void {
  metrics().uploadBytes.inc(bytes);
}

export function recordUploadStarted(kind: "resumable" | "presigned" | "tus"): void {
  metrics().uploadsStarted.inc({ kind });
}

export function recordUploadCompleted(kind: "resumable" | "presigned" | "tus"): void {
  metrics().uploadsCompleted.inc({ kind });
}

/** `checksum_mismatch` at completion, or `expired` (swept before completion). */
export function recordUploadFailed(reason: "checksum_mismatch" | "expired", count = 1): void {
  if (count > 0) metrics().uploadsFailed.inc({ reason }, count);
}

/** For background jobs (compaction, retention): call once per run. */
/** Where a replica-eligible read ran (server/db/read-db.ts); counted only when replicas are configured. */
export function recordDbRead(target: "replica" | "primary_lagging" | "primary_down" | "primary_failed"): void {
  metrics().dbReads.inc({ target });
}

export function recordJobRun(job: string, outcome: "ok" | "error" | "skipped", seconds: number): void {
  metrics().jobRuns.inc({ job, outcome });
  metrics().jobDuration.observe({ job }, seconds);
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const registry = metrics().registry;
  return { contentType: registry.contentType, body: await registry.metrics() };
}
