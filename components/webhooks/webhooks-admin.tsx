"use client";
// The admin's Webhooks page: add an endpoint (secret shown once), each endpoint with its backlog
// and actions, and the deliveries below. Other roles see neither the page in the nav nor the data.
import { useQuery } from "@tanstack/react-query";
import { useStaff } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Badge, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import type { ConsoleWebhook } from "@/server/webhooks/console";
import { AddWebhookForm } from "./add-webhook-form";
import { DeliveriesList } from "./deliveries-list";
import { EndpointActions } from "./endpoint-actions";

export function WebhooksAdmin() {
  const trpc = useTRPC();
  const me = useStaff();
  const list = useQuery({ ...trpc.webhooks.list.queryOptions(), enabled: me.role === "admin", refetchInterval: 5_000 });
  if (me.role !== "admin") return <EmptyState title="Only admins manage webhooks" />;
  return (
    <>
      <AddWebhookForm />
      {list.isPending ? <Loading label="Loading webhooks…" /> : list.isError ? <ErrorState error={list.error} /> : list.data.length === 0 ? (
        <EmptyState title="No webhook endpoints yet" hint="Add one above, or register it with a service key that has the admin scope (POST /api/v1/server/webhooks)." />
      ) : (
        <>
          <Table caption="Webhook endpoints" head={["URL", "Streams", "State", "Backlog", "Created", "Actions"]}>
            {list.data.map((w) => <EndpointRow key={w.id} webhook={w} />)}
          </Table>
          <h2 className="mb-2 mt-6 text-lg font-semibold">Deliveries</h2>
          <DeliveriesList endpoints={list.data} />
        </>
      )}
    </>
  );
}

function EndpointRow({ webhook: w }: { webhook: ConsoleWebhook }) {
  return (
    <tr aria-label={w.url}>
      <Td className="whitespace-normal"><span className="break-all font-mono text-xs">{w.url}</span></Td>
      <Td className="whitespace-normal"><span className="font-mono text-xs">{w.streams.join(", ")}</span></Td>
      <Td>{w.disabledAt ? <Badge tone="warn">disabled</Badge> : <Badge tone="good">enabled</Badge>}</Td>
      <Td>
        <span className="block text-xs">{w.pending} waiting</span>
        <span className={`block text-xs ${w.failed ? "text-red-700 dark:text-red-400" : ""}`}>{w.failed} failed</span>
      </Td>
      <Td>
        <DateTime value={w.createdAt} />
        {w.secretRotatedAt ? <span className="block text-xs text-slate-600 dark:text-slate-400">secret rotated <DateTime value={w.secretRotatedAt} /></span> : null}
      </Td>
      <Td><EndpointActions webhook={w} /></Td>
    </tr>
  );
}
