// A plain, accessible table and a cursor pager. Lists are paged on the server by cursor.
import type { ReactNode } from "react";
import { Button } from "./primitives";

export function Table({ caption, head, children }: { caption: string; head: ReactNode[]; children: ReactNode }) {
  return (
    <div role="region" aria-label={caption} tabIndex={0} className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-950">
          <tr>{head.map((h, i) => <th key={i} scope="col" className="px-3 py-2 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}

export function Td({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <td className={`whitespace-nowrap px-3 py-2 align-top ${className}`}>{children}</td>;
}

/** "Newer"/"older" paging: the cursor of the next page, and a way back to the first. */
export function Pager({ cursor, nextCursor, onPage, count }: {
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  onPage: (cursor: string) => void;
  count: number;
}) {
  return (
    <nav aria-label="Pagination" className="mt-3 flex items-center justify-between text-sm text-slate-600 dark:text-slate-400">
      <span>{count} shown{cursor ? " (not the first page)" : ""}</span>
      <span className="flex gap-2">
        <Button disabled={!cursor} onClick={() => onPage("")}>First page</Button>
        <Button disabled={!nextCursor} onClick={() => nextCursor && onPage(nextCursor)}>Next page</Button>
      </span>
    </nav>
  );
}
