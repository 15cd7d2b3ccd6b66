// GET /api/health: liveness and database reachability, for load balancers and the e2e suite.
import { checkDatabase } from "@/server/db/health";
import { AppError, toErrorBody } from "@/server/errors";
import { handlerOf } from "@/server/http/route";
import { healthRoute } from "@/server/http/routes/service";
import { logger } from "@/server/log";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const NO_STORE = { "cache-control": "no-store" };

async function checkHealth(): Promise<Response> {
  try {
    return Response.json({ ok: true, db: await checkDatabase() }, { headers: NO_STORE });
  } catch (error) {
    // The cause goes to the log only; the body never says what is behind the failure.
    logger.error({ err: error }, "health check failed");
    const unavailable = new AppError("unavailable", "The service is temporarily unavailable");
    return Response.json(toErrorBody(unavailable), { status: unavailable.status, headers: NO_STORE });
  }
}

// Quiet: a load balancer's checks every few seconds are not requests worth a log line.
export const GET = handlerOf(healthRoute, checkHealth, { quiet: true });
