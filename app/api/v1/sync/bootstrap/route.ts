import { handlerOf } from "@/server/http/route";
import { bootstrapRoute } from "@/server/http/routes/sync";
import { recordBootstrapPage } from "@/server/metrics/registry";
import { bootstrapPage } from "@/server/sync/bootstrap";

export const dynamic = "force-dynamic";

export const POST = handlerOf(bootstrapRoute, async ({ db, device, body }) => {
  const page = await bootstrapPage(db, device, body);
  recordBootstrapPage(page.items.length);
  return page;
});
