// Per-item results of a batch: what each item asked, how the push answered, and where it stands now.
import Link from "next/link";
import { z } from "zod";
import { Badge } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import { statusTone } from "./labels";

const ZRequestItems = z.object({
  items: z.array(z.looseObject({ type: z.string(), action: z.string(), id: z.string().optional(), client_temp_id: z.string().optional() })),
});

export type ItemResultView = {
  index: number;
  id: string | null;
  status: string;
  version?: number;
  error?: { code: string; message: string };
  conflict?: { conflict_id?: string; resolution?: string; fields: string[] };
};

export function ResultBadge({ result }: { result: ItemResultView | null }) {
  return result ? <Badge tone={statusTone(result.status)}>{result.status}</Badge> : <Badge tone="bad">no result</Badge>;
}

export function ResultNote({ result }: { result: ItemResultView | null }) {
  if (!result) return <span className="text-xs text-slate-500">The push stopped before answering this item.</span>;
  if (result.error) return <span className="text-xs"><span className="font-mono">{result.error.code}</span> {result.error.message}</span>;
  if (result.conflict?.conflict_id) {
    return <Link href={`/conflicts/${result.conflict.conflict_id}`} className="text-xs text-indigo-700 hover:underline dark:text-indigo-300">Open conflict ({result.conflict.fields.join(", ") || "record"})</Link>;
  }
  if (result.conflict?.resolution) return <span className="text-xs">{result.conflict.resolution.replace("_", " ")}</span>;
  return result.version !== undefined ? <span className="text-xs text-slate-500">version {result.version}</span> : null;
}

export function ItemResults({ request, results, latest }: {
  request: unknown;
  results: ItemResultView[];
  latest: Array<ItemResultView | null>;
}) {
  const items = ZRequestItems.safeParse(request).data?.items ?? [];
  const original = new Map(results.map((r) => [r.index, r]));
  return (
    <Table caption="Items of this batch" head={["#", "Item", "Pushed", "Now", "Details"]}>
      {latest.map((now, index) => {
        const item = items[index];
        const first = original.get(index) ?? null;
        return (
          <tr key={index}>
            <Td>{index}</Td>
            <Td className="whitespace-normal">
              {item ? <>{item.action} <b>{item.type}</b> <span className="font-mono text-xs">{now?.id ?? item.id ?? item.client_temp_id ?? "(new)"}</span></> : "—"}
            </Td>
            <Td><ResultBadge result={first} /></Td>
            <Td>{JSON.stringify(now) === JSON.stringify(first) ? <span className="text-xs text-slate-500">unchanged</span> : <ResultBadge result={now} />}</Td>
            <Td className="whitespace-normal"><ResultNote result={now} /></Td>
          </tr>
        );
      })}
    </Table>
  );
}
