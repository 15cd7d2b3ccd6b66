"use client";
// Deliveries, newest first, filtered by endpoint and status (in the URL) and paged: each with its
// event, state and every attempt (when, status code or error, latency, the answer's first
// characters), and Redeliver, which sends the same event again from the first attempt on.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc";
import { FilterBar, type FilterField } from "@/components/ui/filter-bar";
import { Badge, Button, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Pager, Table, Td } from "@/components/ui/table";
import { useUrlFilters } from "@/components/use-url-filters";
import type { ConsoleDelivery, ConsoleWebhook } from "@/server/webhooks/console";

const KEYS = ["endpoint", "status"] as const;
const STATUSES = ["pending", "succeeded", "failed"] as const;
const TONES = { pending: "warn", succeeded: "good", failed: "bad" } as const;

export function DeliveriesList({ endpoints }: { endpoints: ConsoleWebhook[] }) {
  const trpc = useTRPC();
  const { values, cursor, setFilters } = useUrlFilters(KEYS);
  const fields: FilterField[] = [
    { key: "endpoint", label: "Endpoint", kind: "select", options: endpoints.map((e) => ({ value: e.id, label: e.url })) },
    { key: "status", label: "Status", kind: "select", options: STATUSES.map((s) => ({ value: s, label: s })) },
  ];
  const input = useMemo(() => {
    const status = STATUSES.find((s) => s === values.status);
    const endpointId = endpoints.some((e) => e.id === values.endpoint) ? values.endpoint : undefined;
    return { ...(endpointId ? { endpointId } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}), limit: 25 };
  }, [values, cursor, endpoints]);
  const list = useQuery({ ...trpc.webhooks.deliveries.queryOptions(input), refetchInterval: 5_000 });
  return (
    <>
      <FilterBar fields={fields} values={values} onChange={setFilters} />
      {list.isPending ? <Loading label="Loading deliveries…" /> : list.isError ? <ErrorState error={list.error} /> : list.data.rows.length === 0 ? (
        <EmptyState title="No deliveries match" hint="An event is queued for an endpoint when a bundle commits on one of its streams." />
      ) : (
        <>
          <Table caption="Webhook deliveries" head={["Queued", "Event", "Endpoint", "State", "Attempts", "Actions"]}>
            {list.data.rows.map((d) => <DeliveryRow key={d.id} delivery={d} />)}
          </Table>
          <Pager cursor={cursor} nextCursor={list.data.nextCursor} count={list.data.rows.length} onPage={(c) => setFilters({ cursor: c })} />
        </>
      )}
    </>
  );
}

function DeliveryRow({ delivery: d }: { delivery: ConsoleDelivery }) {
  return (
    <tr aria-label={`${d.eventId} to ${d.endpoint.url}`}>
      <Td><DateTime value={d.createdAt} /></Td>
      <Td>
        <code className="font-mono text-xs">{d.eventId}</code>
        <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{d.stream}</span>
      </Td>
      <Td className="whitespace-normal"><span className="break-all font-mono text-xs">{d.endpoint.url}</span></Td>
      <Td>
        <Badge tone={TONES[d.status === "succeeded" || d.status === "failed" ? d.status : "pending"]}>{d.status}</Badge>
        {d.status === "pending" && d.attempts > 0 ? <span className="block text-xs">next <DateTime value={d.nextAttemptAt} /></span> : null}
      </Td>
      <Td className="whitespace-normal">
        {d.attemptLog.length === 0 ? <span className="text-xs text-slate-600 dark:text-slate-400">none yet</span> : (
          <ol aria-label={`Attempts of ${d.eventId}`} className="space-y-1 text-xs">
            {d.attemptLog.map((a) => (
              <li key={a.id} data-testid="webhook-attempt">
                <DateTime value={a.attemptedAt} />{" "}
                <b className={a.statusCode !== null && a.statusCode < 300 ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}>
                  {a.statusCode ?? "no answer"}
                </b>{" "}
                {a.latencyMs} ms
                {a.error ? <span className="block text-red-700 dark:text-red-400">{a.error}</span> : null}
                {a.responseExcerpt ? <code className="block max-w-md truncate font-mono text-slate-600 dark:text-slate-400" title={a.responseExcerpt}>{a.responseExcerpt}</code> : null}
              </li>
            ))}
          </ol>
        )}
      </Td>
      <Td><Redeliver delivery={d} /></Td>
    </tr>
  );
}

function Redeliver({ delivery }: { delivery: ConsoleDelivery }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState<string | null>(null);
  const redeliver = useMutation(trpc.webhooks.redeliver.mutationOptions({
    onSuccess: async () => {
      setNote("Queued again.");
      await queryClient.invalidateQueries(trpc.webhooks.pathFilter());
    },
    onError: (error) => setNote(`Not done: ${error.message}`),
  }));
  return (
    <div className="flex flex-col items-start gap-1">
      <Button disabled={redeliver.isPending} onClick={() => redeliver.mutate({ deliveryId: delivery.id })} aria-label={`Redeliver ${delivery.eventId} to ${delivery.endpoint.url}`}>Redeliver</Button>
      <span role="status" aria-live="polite" className="text-xs">{note}</span>
    </div>
  );
}
