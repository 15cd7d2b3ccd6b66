"use client";
// A record's versions, newest first: when, by whom, and what changed; where compaction cut the log.
import type { ReactNode } from "react";
import { Badge, DateTime } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import type { FieldChange } from "@/server/records/diff";
import type { RecordHistory as History, RecordVersion } from "@/server/records/history";
import { SourceLabel } from "./source-label";

const show = (value: unknown) => (value === null ? "null" : JSON.stringify(value));

function DiffTable({ version, diff }: { version: number; diff: FieldChange[] }) {
  if (diff.length === 0) return <p className="text-sm text-slate-500">No field changed.</p>;
  return (
    <Table caption={`Changes in version ${version}`} head={["Field", "Change", "Before", "After"]}>
      {diff.map((d) => (
        <tr key={d.field}>
          <Td className="font-mono text-xs">{d.field}</Td>
          <Td>{d.change}</Td>
          <Td className="max-w-xs whitespace-normal break-all font-mono text-xs text-red-800 dark:text-red-300">{d.change === "added" ? "—" : show(d.before)}</Td>
          <Td className="max-w-xs whitespace-normal break-all font-mono text-xs text-emerald-800 dark:text-emerald-300">{d.change === "removed" ? "—" : show(d.after)}</Td>
        </tr>
      ))}
    </Table>
  );
}

export function CompactionNote({ history, stream }: { history: History; stream: string }) {
  const { cut, firstLoggedVersion, compactedUntilSeq } = history.compaction;
  if (!cut) return null;
  return (
    <p role="note" className="mb-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      {firstLoggedVersion === null
        ? "Compaction removed this record's whole history: only its current version is known."
        : `Compaction removed the versions before version ${firstLoggedVersion}: they cannot be shown or restored.`}{" "}
      Stream {stream} is compacted up to seq {compactedUntilSeq}.
    </p>
  );
}

export function VersionItem({ entry, current, actions }: { entry: RecordVersion; current: number; actions?: ReactNode }) {
  return (
    <li className="rounded-lg border border-slate-200 p-3 dark:border-slate-800" aria-label={`Version ${entry.version}`}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-semibold">Version {entry.version}</span>
          {entry.version === current ? <Badge tone="info">current</Badge> : null}
          {entry.op === "delete" ? <Badge tone="bad">deleted</Badge> : null}
          <span className="text-slate-500">· <DateTime value={entry.committedAt} /> · seq {entry.seq}</span>
        </div>
        {actions}
      </div>
      <p className="mb-2 text-sm"><SourceLabel source={entry.source} /></p>
      {entry.diff === null
        ? <p className="text-sm text-slate-500">The version before was compacted away: no diff.</p>
        : <DiffTable version={entry.version} diff={entry.diff} />}
    </li>
  );
}
