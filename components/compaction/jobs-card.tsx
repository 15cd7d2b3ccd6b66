"use client";
// The policy in force and each background job's last and next run.
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTRPC } from "@/components/trpc";
import { Badge, Card, DateTime, ErrorState, Loading } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import { formatInterval, summarizeResult } from "./format";
import { RunStatus } from "./run-status";

export function JobsCard() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.compaction.overview.queryOptions());
  if (overview.isPending) return <Loading label="Loading jobs…" />;
  if (overview.isError) return <ErrorState error={overview.error} />;
  const { policy, jobsEnabled, jobs } = overview.data;
  return (
    <Card title="Policy and jobs">
      <dl className="mb-4 grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-3">
        <Fact label="Change history kept">{policy.retentionDays} days, at most {policy.maxChangesPerStream.toLocaleString()} per stream</Fact>
        <Fact label="A device holds history back">while it acked within {policy.deviceHoldDays} days</Fact>
        <Fact label="Compaction runs">{formatInterval(policy.intervalMinutes * 60_000)}</Fact>
        <Fact label="Sync batches kept">{policy.batchRetentionDays} days</Fact>
        <Fact label="Audit entries kept">{policy.auditRetentionDays} days</Fact>
        <Fact label="Background jobs">{jobsEnabled ? <Badge tone="good">on</Badge> : <Badge tone="warn">off (JOBS_ENABLED=false)</Badge>}</Fact>
      </dl>
      <Table caption="Background jobs" head={["Job", "Schedule", "Last run", "Status", "Result", "Last failure", "Next run"]}>
        {jobs.map((job) => (
          <tr key={job.job}>
            <Td className="font-medium">{job.job}</Td>
            <Td>{formatInterval(job.intervalMs)}</Td>
            <Td>{job.lastRun ? <><DateTime value={job.lastRun.startedAt} />{job.lastRun.trigger === "manual" ? " (manual)" : ""}</> : <span className="text-slate-500 dark:text-slate-400">never</span>}</Td>
            <Td>{job.lastRun ? <RunStatus status={job.lastRun.status} /> : null}</Td>
            <Td className="whitespace-normal text-xs">{job.lastRun?.status === "failed" ? job.lastRun.error : summarizeResult(job.lastRun?.result ?? null)}</Td>
            <Td className="whitespace-normal text-xs">
              {job.lastFailure ? <><DateTime value={job.lastFailure.startedAt} />: <span className="text-red-700 dark:text-red-300">{job.lastFailure.error}</span></> : <span className="text-slate-500 dark:text-slate-400">none</span>}
            </Td>
            <Td>{job.nextRunAt ? <DateTime value={job.nextRunAt} /> : <span className="text-slate-500 dark:text-slate-400">not scheduled</span>}</Td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
