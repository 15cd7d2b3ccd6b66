import { listConflicts } from "@/server/conflicts/list";
import { handlerOf } from "@/server/http/route";
import { listConflictsRoute } from "@/server/http/routes/conflicts";

export const dynamic = "force-dynamic";

export const GET = handlerOf(listConflictsRoute, async ({ db, caller, query }) => listConflicts(db, caller, query));
