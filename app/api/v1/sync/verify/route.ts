import { readFrom } from "@/server/db/read-db";
import { handlerOf } from "@/server/http/route";
import { verifyRoute } from "@/server/http/routes/verify";
import { verifyPage } from "@/server/sync/verify";

export const dynamic = "force-dynamic";

export const POST = handlerOf(verifyRoute, async ({ db, device, body }) => readFrom(db, (reader) => verifyPage(reader, device, body)));
