import { ensureDevice } from "@/server/devices/register";
import { deviceHints, deviceRoute } from "@/server/http/route";
import { recordBootstrapPage } from "@/server/metrics/registry";
import { bootstrapPage } from "@/server/sync/bootstrap";
import { ZBootstrapRequest } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZBootstrapRequest,
  handler: async ({ db, caller, body, request }) => {
    const page = await bootstrapPage(db, await ensureDevice(db, caller, body.device_id, deviceHints(request)), body);
    recordBootstrapPage(page.items.length);
    return page;
  },
});
