// Small read-only pieces of a device's health, shared by the list and the device page.
import Link from "next/link";
import { Badge } from "@/components/ui/primitives";

/**
 * Whether the device reported a history the database no longer has (a restore or failover) and
 * whether it came back: bootstrapped, offered back what it held, acked (docs/operations.md).
 */
export function HistoryBadge({ divergedAt, healedAt }: { divergedAt: Date | null; healedAt: Date | null }) {
  if (!divergedAt) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  const told = `history_diverged at ${divergedAt.toISOString()}`;
  return healedAt
    ? <span title={`${told}, healed at ${healedAt.toISOString()}`}><Badge tone="info">healed</Badge></span>
    : <span title={told}><Badge tone="warn">diverged</Badge></span>;
}

export function DeviceStatusBadge({ status }: { status: "active" | "revoked" }) {
  return status === "revoked" ? <Badge tone="bad">revoked</Badge> : <Badge tone="good">active</Badge>;
}

export function LagValue({ lag, streams }: { lag: number; streams: { stream: string; lag: number }[] }) {
  const title = streams.map((s) => `${s.stream}: ${s.lag}`).join("\n");
  return (
    <span title={title} className={lag > 0 ? "font-medium text-amber-700 dark:text-amber-300" : "text-slate-500"}>
      {lag.toLocaleString()}
      <span className="sr-only"> changes behind</span>
    </span>
  );
}

export function LastErrorCell({ error }: { error: { code: string | null; message: string; batchId: string | null } | null }) {
  if (!error) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  const text = (
    <>
      {error.code ? <span className="font-mono text-xs">{error.code}</span> : null} <span className="text-xs">{error.message}</span>
    </>
  );
  return error.batchId ? (
    <Link href={`/batches/${error.batchId}`} title={error.message} className="block max-w-[14rem] truncate text-red-700 hover:underline dark:text-red-300">
      {text}
    </Link>
  ) : (
    <span title={error.message} className="block max-w-[14rem] truncate text-red-700 dark:text-red-300">{text}</span>
  );
}
