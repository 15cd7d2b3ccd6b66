// GET /api/v1/openapi.json: the OpenAPI 3.1 document of the mobile API (public, no auth).
import { buildOpenApiDocument } from "@/server/http/openapi";

export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
