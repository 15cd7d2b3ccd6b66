"use client";
// Base | server | client (| current) side by side, one row per field. A changed value is marked
// by colour and by a text marker, so the difference does not rest on colour alone.
import type { FieldComparison } from "@/server/conflicts/compare-fields";
import { Badge } from "@/components/ui/primitives";

export type Side = "base" | "server" | "client" | "current";

export type Column = { side: Side; title: string; note?: string };

const CHANGED: Record<Side, string> = {
  base: "",
  server: "bg-amber-100 dark:bg-amber-900/50",
  client: "bg-sky-100 dark:bg-sky-900/50",
  current: "bg-violet-100 dark:bg-violet-900/50",
};

function changed(row: FieldComparison, side: Side): boolean {
  if (side === "server") return row.changedByServer ?? row.differs;
  if (side === "client") return row.changedByClient ?? row.differs;
  if (side === "current") return row.changedSinceOpened;
  return false;
}

export function ValueText({ value }: { value: unknown }) {
  if (value === undefined) return <span className="text-slate-500 dark:text-slate-400">absent</span>;
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value, null, 1);
  return <code className="whitespace-pre-wrap break-words font-mono text-xs">{text}</code>;
}

export function Legend({ columns }: { columns: Column[] }) {
  const items = [
    { side: "server" as const, text: "changed by the server since the base" },
    { side: "client" as const, text: "changed by the client since the base" },
    ...(columns.some((c) => c.side === "current") ? [{ side: "current" as const, text: "changed since the conflict opened" }] : []),
  ];
  return (
    <ul aria-label="Legend" className="mb-3 flex flex-wrap gap-4 text-xs text-slate-600 dark:text-slate-400">
      {items.map((item) => (
        <li key={item.side} className="flex items-center gap-1.5">
          <span aria-hidden className={`inline-block h-3 w-3 rounded-sm border border-slate-300 ${CHANGED[item.side]}`} />
          <span>● {item.text}</span>
        </li>
      ))}
      <li className="flex items-center gap-1.5"><Badge tone="bad">differs</Badge><span>server and client disagree</span></li>
    </ul>
  );
}

export function ComparisonTable({ rows, columns, picks, onPick }: {
  rows: FieldComparison[];
  columns: Column[];
  /** When given, a per-field choice of side for a manual merge. */
  picks?: Record<string, Side>;
  onPick?: (field: string, side: Side) => void;
}) {
  return (
    <div role="region" aria-label="Field by field comparison" tabIndex={0} className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Field by field comparison</caption>
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-950">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Field</th>
            {columns.map((c) => (
              <th key={c.side} scope="col" className="px-3 py-2 font-medium">
                {c.title}
                {c.note ? <span className="block font-normal normal-case text-slate-500 dark:text-slate-400">{c.note}</span> : null}
              </th>
            ))}
            {picks ? <th scope="col" className="px-3 py-2 font-medium">Keep</th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((row) => (
            <tr key={row.field}>
              <th scope="row" className="whitespace-nowrap px-3 py-2 text-left align-top font-mono text-xs font-medium">
                {row.field}
                {row.differs ? <span className="ml-2"><Badge tone="bad">differs</Badge></span> : null}
              </th>
              {columns.map((c) => {
                const isChanged = changed(row, c.side);
                return (
                  <td key={c.side} className={`max-w-xs px-3 py-2 align-top ${isChanged ? CHANGED[c.side] : ""}`}>
                    {isChanged ? <span aria-hidden className="mr-1 text-xs">●</span> : null}
                    {isChanged ? <span className="sr-only">changed: </span> : null}
                    <ValueText value={row[c.side]} />
                  </td>
                );
              })}
              {picks && onPick ? (
                <td className="px-3 py-2 align-top">
                  <fieldset className="flex flex-wrap gap-2">
                    <legend className="sr-only">Value to keep for {row.field}</legend>
                    {columns.map((c) => (
                      <label key={c.side} className="inline-flex items-center gap-1 text-xs">
                        <input
                          type="radio"
                          name={`pick-${row.field}`}
                          value={c.side}
                          checked={picks[row.field] === c.side}
                          onChange={() => onPick(row.field, c.side)}
                          className="focus-visible:ring-2 focus-visible:ring-indigo-500"
                        />
                        {c.side}
                      </label>
                    ))}
                  </fieldset>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
