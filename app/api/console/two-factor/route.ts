// A staff member sets up their own TOTP second factor: `begin` answers a new secret and its
// otpauth:// URI (once; the secret is never sent again), `confirm` turns it on with a code from
// the app. Not tRPC: an account the console requires to enrol has no console session until it has.
import { z } from "zod";
import { beginCurrentEnrolment, confirmCurrentEnrolment } from "@/server/auth/two-factor";
import { invalidRequest } from "@/server/errors";
import { errorResponse } from "@/server/http/route";
import { crossSiteRefusal } from "@/server/limits/csrf";

export const dynamic = "force-dynamic";

const ZTwoFactorStep = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("begin") }),
  z.strictObject({ action: z.literal("confirm"), code: z.string().max(20) }),
]);

export async function POST(request: Request): Promise<Response> {
  try {
    const refused = crossSiteRefusal(request);
    if (refused) throw refused;
    const body = ZTwoFactorStep.safeParse(await request.json().catch(() => null));
    if (!body.success) throw invalidRequest(body.error.issues);
    if (body.data.action === "begin") return Response.json(await beginCurrentEnrolment(), { headers: { "cache-control": "no-store" } });
    await confirmCurrentEnrolment(body.data.code);
    return Response.json({ ok: true });
  } catch (error) {
    return errorResponse(error);
  }
}
