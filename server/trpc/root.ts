// The console's API: one router per domain. Each domain router lives in server/trpc/routers/<domain>/.
import { router } from "./init";
import { auditRouter } from "./routers/audit/router";
import { batchesRouter } from "./routers/batches/router";
import { compactionRouter } from "./routers/compaction/router";
import { conflictsRouter } from "./routers/conflicts/router";
import { devicesRouter } from "./routers/devices/router";
import { keysRouter } from "./routers/keys/router";
import { mediaRouter } from "./routers/media/router";
import { overviewRouter } from "./routers/overview/router";
import { recordsRouter } from "./routers/records/router";
import { schemaRouter } from "./routers/schema/router";
import { sessionRouter } from "./routers/session/router";
import { staffRouter } from "./routers/staff/router";
import { usersRouter } from "./routers/users/router";
import { webhooksRouter } from "./routers/webhooks/router";

export const appRouter = router({
  session: sessionRouter,
  conflicts: conflictsRouter,
  audit: auditRouter,
  overview: overviewRouter,
  devices: devicesRouter,
  batches: batchesRouter,
  compaction: compactionRouter,
  media: mediaRouter,
  records: recordsRouter,
  users: usersRouter,
  staff: staffRouter,
  schema: schemaRouter,
  keys: keysRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
