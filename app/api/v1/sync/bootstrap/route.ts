import { readFrom } from "@/server/db/read-db";
import { handlerOf } from "@/server/http/route";
import { bootstrapRoute } from "@/server/http/routes/sync";
import { recordBootstrapPage } from "@/server/metrics/registry";
import { bootstrapPage } from "@/server/sync/bootstrap";

export const dynamic = "force-dynamic";

export const POST = handlerOf(bootstrapRoute, async ({ db, device, body }) => {
  // The first page records a compaction hold (a write): on the primary. Later pages only read.
  const page = body.cursor ? await readFrom(db, (reader) => bootstrapPage(reader, device, body)) : await bootstrapPage(db, device, body);
  recordBootstrapPage(page.items.length);
  return page;
});
