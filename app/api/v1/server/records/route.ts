import { readFrom } from "@/server/db/read-db";
import { handlerOf } from "@/server/http/route";
import { serverRecordsRoute } from "@/server/http/routes/server";
import { listServerRecords } from "@/server/sync/list-records";

export const dynamic = "force-dynamic";

export const GET = handlerOf(serverRecordsRoute, ({ db, service, query }) => readFrom(db, (reader) => listServerRecords(reader, service.streams, query)));
