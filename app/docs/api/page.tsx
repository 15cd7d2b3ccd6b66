// The mobile API reference, rendered by Swagger UI from the same OpenAPI document the API serves
// (GET /api/v1/openapi.json). Public: the document says nothing secret, and "Try it out" calls
// need a token the person brings (`npm run token`).
import type { Metadata } from "next";
import { ApiReference } from "@/components/api-reference/api-reference";
import { buildOpenApiDocument } from "@/server/http/openapi";

export const metadata: Metadata = { title: "Syncdesk · Mobile API reference" };
// Rendered per request: each type's data schema comes from the config loaded at start.
export const dynamic = "force-dynamic";

export default function ApiReferencePage() {
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-4 sm:p-8">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Machine-readable: <a className="underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a>. To try a call,
        mint a development token with <code>npm run token -- --user alice</code>, paste it under <strong>Authorize</strong>,
        then open a route and press <strong>Try it out</strong>. Guide: <code>docs/api-reference.md</code>.
      </p>
      <ApiReference document={buildOpenApiDocument()} />
    </main>
  );
}
