import { handlerOf } from "@/server/http/route";
import { serverRecordsRoute } from "@/server/http/routes/server";
import { listServerRecords } from "@/server/sync/list-records";

export const dynamic = "force-dynamic";

export const GET = handlerOf(serverRecordsRoute, ({ db, service, query }) => listServerRecords(db, service.streams, query));
