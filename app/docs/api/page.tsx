// The mobile API reference, rendered from the same OpenAPI document the API serves. Public.
import type { Metadata } from "next";
import { buildOpenApiDocument } from "@/server/http/openapi";

export const metadata: Metadata = { title: "Syncdesk · Mobile API reference" };
// Rendered per request: each type's data schema comes from the config loaded at start.
export const dynamic = "force-dynamic";

type Json = Record<string, unknown>;
type Operation = {
  operationId: string; summary: string; description: string; tags: string[]; security?: unknown[];
  parameters: { name: string; in: string; required: boolean; description?: string; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
};

const METHOD_STYLE: Record<string, string> = {
  get: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  post: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
  put: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
};

/** Descriptions use `backticks` for code, as in Markdown. */
function Text({ children }: { children: string }) {
  return <>{children.split("`").map((part, i) => (i % 2 === 1 ? <code key={i} className="font-mono text-[0.9em]">{part}</code> : part))}</>;
}

function Schema({ schema }: { schema: Json | undefined }) {
  if (!schema) return null;
  return (
    <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-100 p-3 text-xs dark:bg-slate-900">
      {JSON.stringify(schema, null, 2)}
    </pre>
  );
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const body = op.requestBody && Object.values(op.requestBody.content)[0]?.schema;
  return (
    <section id={op.operationId} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h3 className="flex items-center gap-2 font-mono text-sm">
        <span className={`rounded px-2 py-0.5 font-bold uppercase ${METHOD_STYLE[method] ?? ""}`}>{method}</span>
        {path}
        {op.security?.length === 0 ? <span className="text-xs text-slate-500">no auth</span> : null}
      </h3>
      <p className="mt-2 font-medium">{op.summary}</p>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400"><Text>{op.description}</Text></p>
      {op.parameters.length > 0 ? (
        <table className="mt-3 text-sm">
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}:${p.name}`}>
                <td className="pr-4 font-mono">{p.name}</td>
                <td className="pr-4 text-slate-500">{p.in}{p.required ? ", required" : ""}</td>
                <td className="font-mono text-xs">{JSON.stringify(p.schema)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {body ? (<><h4 className="mt-3 text-sm font-semibold">Request body</h4><Schema schema={body} /></>) : null}
      <h4 className="mt-3 text-sm font-semibold">Responses</h4>
      <ul className="text-sm">
        {Object.entries(op.responses).map(([status, response]) => (
          <li key={status} className="mt-1">
            <span className="font-mono font-semibold">{status}</span> <Text>{response.description}</Text>
            {status.startsWith("2") ? <Schema schema={Object.values(response.content ?? {})[0]?.schema} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The shared schemas: each type's data and the shapes that carry it (`$ref`s point here). */
function ComponentsView({ schemas }: { schemas: Record<string, Json> }) {
  return (
    <section aria-labelledby="schemas" className="space-y-3">
      <h2 id="schemas" className="text-xl font-semibold">Schemas</h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        A <code>$ref</code> to <code>#/components/schemas/Name</code> means the schema below. Each resource type&apos;s
        data is <code>&lt;Type&gt;Data</code>, from the server&apos;s config; records, changes and push items pick it by <code>type</code>.
      </p>
      {Object.entries(schemas).map(([name, schema]) => (
        <section key={name} id={`schema-${name}`} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
          <h3 className="font-mono text-sm font-semibold">{name}</h3>
          {typeof schema.description === "string" ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400"><Text>{schema.description}</Text></p> : null}
          <Schema schema={schema} />
        </section>
      ))}
    </section>
  );
}

export default function ApiReferencePage() {
  const doc = buildOpenApiDocument() as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Json> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  return (
    <main className="mx-auto max-w-5xl space-y-4 p-8">
      <h1 className="text-2xl font-semibold">{doc.info.title}</h1>
      <p className="text-slate-600 dark:text-slate-400">
        {doc.info.description} Machine-readable: <a className="underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
        Errors are <code>{"{ error: { code, message, details? } }"}</code>.
      </p>
      <nav className="flex flex-wrap gap-2 text-sm">
        {operations.map(({ op }) => <a key={op.operationId} className="underline" href={`#${op.operationId}`}>{op.operationId}</a>)}
        <a className="underline" href="#schemas">Schemas</a>
      </nav>
      {operations.map(({ path, method, op }) => <OperationView key={op.operationId} path={path} method={method} op={op} />)}
      <ComponentsView schemas={doc.components.schemas} />
    </main>
  );
}
