"use client";
// The Schema page: the resource types of the config this server started with. Read-only: a team
// changes its types in the config file and restarts (docs/types.md).
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { EmptyState, ErrorState, Loading } from "@/components/ui/primitives";
import { TypeCard } from "./type-card";

export function SchemaView() {
  const trpc = useTRPC();
  const schema = useQuery(trpc.schema.types.queryOptions(undefined, { staleTime: Infinity }));
  if (schema.isPending) return <Loading label="Loading the types…" />;
  if (schema.isError) return <ErrorState error={schema.error} />;
  const app = schema.data.types.filter((t) => !t.builtIn);
  const builtIn = schema.data.types.filter((t) => t.builtIn);
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Config file: <code className="font-mono" data-testid="config-file">{schema.data.file}</code>. {app.length} app type{app.length === 1 ? "" : "s"}.
      </p>
      {app.length === 0 ? (
        <EmptyState title="The config declares no types" hint="Add types to the config file and restart the server." />
      ) : (
        app.map((type) => <TypeCard key={type.name} type={type} />)
      )}
      {builtIn.map((type) => <TypeCard key={type.name} type={type} />)}
    </div>
  );
}
