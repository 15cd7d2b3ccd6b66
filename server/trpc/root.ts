// The console's API: one router per domain. Each domain router lives in server/trpc/routers/<domain>/.
import { router } from "./init";
import { sessionRouter } from "./routers/session/router";

export const appRouter = router({
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;
