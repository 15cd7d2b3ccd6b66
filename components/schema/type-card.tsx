// One resource type: its version and policy, where its data goes, and its fields.
import type { TypeSummary } from "@/server/types/describe-types";
import { Badge } from "@/components/ui/primitives";
import { FieldTable } from "./field-table";

const list = (names: string[]) => (names.length > 0 ? names.join(", ") : "none");

export function TypeCard({ type }: { type: TypeSummary }) {
  return (
    <section aria-labelledby={`type-${type.name}`} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id={`type-${type.name}`} className="font-mono text-lg font-semibold">{type.name}</h2>
        <Badge>version {type.version}</Badge>
        {type.breaking ? <Badge tone="warn">breaking</Badge> : null}
        <Badge tone="info">policy: {type.policy}</Badge>
        {type.builtIn ? <Badge tone="good">built in</Badge> : null}
      </div>
      {type.builtIn ? (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">Built into Syncdesk, whatever the config says: an upload finished without <code>attach</code> writes one.</p>
      ) : null}
      <dl className="mb-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500 dark:text-slate-400">Unique fields</dt><dd>{list(type.uniqueFields)}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Media fields</dt><dd>{list(type.mediaFields)}</dd>
        <dt className="text-slate-500 dark:text-slate-400">WatermelonDB table</dt><dd>{type.watermelonTable ?? "not synced with WatermelonDB"}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Unlisted fields</dt><dd>{type.closed ? "rejected (the schema is closed)" : "accepted"}</dd>
      </dl>
      <FieldTable typeName={type.name} fields={type.fields} uniqueFields={type.uniqueFields} mediaFields={type.mediaFields} />
    </section>
  );
}
