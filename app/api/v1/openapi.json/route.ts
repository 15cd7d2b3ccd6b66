// GET /api/v1/openapi.json: the OpenAPI 3.1 document of the mobile API (public, no auth).
import { buildOpenApiDocument } from "@/server/http/openapi";

// Built per request: the types' data schemas come from the config loaded at start, not at build.
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
