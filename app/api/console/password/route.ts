// A staff member changes their own password. Not a tRPC procedure: an account with a one-time
// password has no console session for tRPC (server/staff/accounts.ts getActiveStaff) until it has
// done exactly this.
import { z } from "zod";
import { changeCurrentPassword } from "@/server/auth/change-password";
import { invalidRequest } from "@/server/errors";
import { errorResponse } from "@/server/http/route";
import { crossSiteRefusal } from "@/server/limits/csrf";

export const dynamic = "force-dynamic";

const ZPasswordChange = z.strictObject({ current: z.string().min(1).max(1000), next: z.string().max(1000) });

export async function POST(request: Request): Promise<Response> {
  try {
    const refused = crossSiteRefusal(request);
    if (refused) throw refused;
    const body = ZPasswordChange.safeParse(await request.json().catch(() => null));
    if (!body.success) throw invalidRequest(body.error.issues);
    await changeCurrentPassword(body.data.current, body.data.next);
    return Response.json({ ok: true });
  } catch (error) {
    return errorResponse(error);
  }
}
