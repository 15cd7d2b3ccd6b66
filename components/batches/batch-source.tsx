// The writer of a sync batch: a device links to its page; the team's backend is labelled as a
// server writer with the service key it wrote through, never mistaken for a phone.
import Link from "next/link";
import { Badge } from "@/components/ui/primitives";
import type { BatchSource } from "@/server/batches/source";

export function BatchSource({ source, deviceRef, deviceId }: { source: BatchSource; deviceRef: string; deviceId: string }) {
  const device = <Link href={`/devices/${deviceRef}`} className="font-mono text-xs hover:underline">{deviceId}</Link>;
  if (source.kind === "device") return device;
  return (
    <span data-testid="batch-source" className="inline-flex items-center gap-1">
      <Badge tone="info">server</Badge> {device} <span className="text-xs text-slate-600 dark:text-slate-400">(key <span className="font-mono">{source.keyName}</span>)</span>
    </span>
  );
}
