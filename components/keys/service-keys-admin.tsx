"use client";
// The admin's service keys: create one (shown once), see every key and revoke it. Other roles see
// neither the page in the nav nor the keys (the server refuses them too).
import { useQuery } from "@tanstack/react-query";
import { useStaff } from "@/components/staff-context";
import { useTRPC } from "@/components/trpc";
import { Badge, DateTime, EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";
import type { ConsoleServiceKey } from "@/server/keys/console-list";
import { CreateKeyForm } from "./create-key-form";
import { RevokeKey } from "./revoke-key";

export function ServiceKeysAdmin() {
  const trpc = useTRPC();
  const me = useStaff();
  const list = useQuery({ ...trpc.keys.list.queryOptions(), enabled: me.role === "admin" });
  if (me.role !== "admin") return <EmptyState title="Only admins manage service keys" />;
  return (
    <>
      <CreateKeyForm />
      {list.isPending ? <Loading label="Loading service keys…" /> : list.isError ? <ErrorState error={list.error} /> : list.data.length === 0 ? (
        <EmptyState title="No service keys yet" hint="Create one above, or with npm run key:create, for your backend to call the server API." />
      ) : (
        <Table caption="Service keys" head={["Name", "Prefix", "Scopes", "Streams", "Created", "Revoked", "Actions"]}>
          {list.data.map((key) => <KeyRow key={key.id} serviceKey={key} />)}
        </Table>
      )}
    </>
  );
}

function KeyRow({ serviceKey: k }: { serviceKey: ConsoleServiceKey }) {
  return (
    <tr aria-label={k.name}>
      <Td><span className="font-medium">{k.name}</span></Td>
      <Td><code className="font-mono text-xs">{k.prefix}…</code></Td>
      <Td>{k.scopes.map((s) => <Badge key={s} tone={s === "admin" ? "warn" : "info"}>{s}</Badge>)}</Td>
      <Td className="whitespace-normal"><span className="font-mono text-xs">{k.streams.join(", ")}</span></Td>
      <Td>
        <DateTime value={k.createdAt} />
        <span className="block text-xs text-slate-600 dark:text-slate-400">by {k.createdByLabel}</span>
      </Td>
      <Td>{k.revokedAt ? <><Badge tone="bad">revoked</Badge> <DateTime value={k.revokedAt} /></> : <Badge tone="good">active</Badge>}</Td>
      <Td>{k.revokedAt ? null : <RevokeKey name={k.name} />}</Td>
    </tr>
  );
}
