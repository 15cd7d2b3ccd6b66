// Who wrote a version, in words, with links to the device, batch, conflict or user behind it.
import Link from "next/link";
import { Badge } from "@/components/ui/primitives";
import { UserLink } from "@/components/users/user-link";
import type { VersionSource } from "@/server/records/history-source";

const link = "text-indigo-700 hover:underline dark:text-indigo-300";

export function SourceLabel({ source }: { source: VersionSource }) {
  switch (source.kind) {
    case "device":
      return (
        <span>
          Device{" "}
          {source.deviceRef ? <Link href={`/devices/${source.deviceRef}`} className={`font-mono text-xs ${link}`}>{source.deviceId}</Link> : <span className="text-slate-500">(removed)</span>}
          {source.userId ? <> of <UserLink userId={source.userId} /></> : null}, in{" "}
          <Link href={`/batches/${source.batchId}`} className={link}>{source.bundleId !== null ? `batch #${source.bundleId}` : "a batch"}</Link>
          {source.replayed ? " (replayed by an operator)" : ""}
        </span>
      );
    case "writer":
      return (
        <span data-testid="version-source-writer">
          <Badge tone="info">server</Badge> Writer <span className="font-mono text-xs">{source.writerId}</span> (key{" "}
          <span className="font-mono">{source.keyName}</span>), in{" "}
          <Link href={`/batches/${source.batchId}`} className={link}>{source.bundleId !== null ? `batch #${source.bundleId}` : "a batch"}</Link>
        </span>
      );
    case "resolution":
      return (
        <span>
          <Link href={`/conflicts/${source.conflictId}`} className={link}>Conflict resolved</Link> ({source.resolution.replace(/_/g, " ")}) by{" "}
          {source.staff ? <>staff {source.staff.email}</> : source.by.startsWith("device:") ? "the device" : source.by}
        </span>
      );
    case "staff":
      return (
        <span>
          Staff {source.staff?.email ?? "(unknown account)"} {source.action === "undelete" ? "undeleted it" : `restored version ${source.restoredVersion ?? "?"}`}
          {source.reason ? <>: “{source.reason}”</> : null}
        </span>
      );
    case "server":
      return <span>The server (an upload or another server-side writer)</span>;
  }
}
