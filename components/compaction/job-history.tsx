"use client";
// Every job run, newest first, failures filterable, with its result or error.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Card, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { summarizeResult } from "./format";
import { RunStatus } from "./run-status";

const STATUSES = [
  { value: "", label: "All runs" },
  { value: "failed", label: "Failures" },
  { value: "running", label: "Running" },
  { value: "succeeded", label: "Succeeded" },
] as const;
type StatusFilter = (typeof STATUSES)[number]["value"];

export function JobHistory() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<StatusFilter>("");
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useQuery(trpc.compaction.runs.queryOptions({ ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), limit: 25 }));
  return (
    <Card title="Job history">
      <label className="mb-3 flex items-center gap-2 text-sm">
        <span className="text-slate-600 dark:text-slate-400">Show</span>
        <select
          value={status}
          onChange={(e) => { setStatus(STATUSES.find((s) => s.value === e.target.value)?.value ?? ""); setCursor(undefined); }}
          className="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
        >
          {STATUSES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
      </label>
      {list.isPending ? (
        <Loading label="Loading runs…" />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.runs.length === 0 ? (
        <EmptyState title={status ? `No ${status} runs` : "No job has run yet"} hint={cursor ? "This was the last page." : undefined} />
      ) : (
        <>
          <Table caption="Job runs" head={["Started", "Job", "Trigger", "Status", "Finished", "Result or error", "Instance"]}>
            {list.data.runs.map((run) => (
              <tr key={run.id}>
                <Td><DateTime value={run.startedAt} /></Td>
                <Td className="font-medium">{run.job}</Td>
                <Td>{run.trigger}</Td>
                <Td><RunStatus status={run.status} /></Td>
                <Td><DateTime value={run.finishedAt} /></Td>
                <Td className="whitespace-normal text-xs">
                  {run.error ? <span className="text-red-700 dark:text-red-300">{run.error}</span> : summarizeResult(run.result)}
                </Td>
                <Td className="font-mono text-xs">{run.instance}</Td>
              </tr>
            ))}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.runs.length} onPage={(c) => setCursor(c || undefined)} />
        </>
      )}
    </Card>
  );
}
