// GET /api/metrics: Prometheus text format. With METRICS_TOKEN set, only `Authorization: Bearer
// <METRICS_TOKEN>` may scrape (else 401). Unset: open in development and test, 404 in production.
import { timingSafeEqual } from "node:crypto";
import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/route";
import { renderMetrics } from "@/server/metrics/registry";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

function authorized(request: Request, token: string): boolean {
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function GET(request: Request): Promise<Response> {
  try {
    const config = env();
    if (!config.METRICS_TOKEN && config.NODE_ENV === "production") throw new AppError("not_found", "No such route");
    if (config.METRICS_TOKEN && !authorized(request, config.METRICS_TOKEN)) {
      throw new AppError("unauthorized", "Send Authorization: Bearer <METRICS_TOKEN>");
    }
    const { contentType, body } = await renderMetrics();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
