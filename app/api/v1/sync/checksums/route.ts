import { readFrom } from "@/server/db/read-db";
import { handlerOf } from "@/server/http/route";
import { checksumsRoute } from "@/server/http/routes/verify";
import { listChecksums } from "@/server/sync/checksums";

export const dynamic = "force-dynamic";

export const GET = handlerOf(checksumsRoute, async ({ db, caller, query }) => readFrom(db, (reader) => listChecksums(reader, caller, query)));
