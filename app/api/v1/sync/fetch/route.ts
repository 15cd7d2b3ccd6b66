import { readFrom } from "@/server/db/read-db";
import { handlerOf } from "@/server/http/route";
import { fetchRoute } from "@/server/http/routes/verify";
import { fetchRecords } from "@/server/sync/fetch";

export const dynamic = "force-dynamic";

export const POST = handlerOf(fetchRoute, async ({ db, caller, body }) => readFrom(db, (reader) => fetchRecords(reader, caller, body)));
