import { getCurrentStaff } from "@/server/auth/session";
import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/route";
import { openConsoleStream } from "@/server/live/console-events";

export const dynamic = "force-dynamic";

/** Live refresh for console pages: any logged-in staff member; see server/live/console-events.ts. */
export async function GET(request: Request): Promise<Response> {
  try {
    if (!(await getCurrentStaff())) throw new AppError("unauthorized", "Log in first");
    return await openConsoleStream({ heartbeatSeconds: env().LIVE_HEARTBEAT_SECONDS, minIntervalMs: 1000, signal: request.signal });
  } catch (error) {
    return errorResponse(error);
  }
}
