import { handlerOf } from "@/server/http/route";
import { ackRoute } from "@/server/http/routes/sync";
import { ackToken } from "@/server/sync/ack";

export const dynamic = "force-dynamic";

export const POST = handlerOf(ackRoute, async ({ db, device, body }) => ackToken(db, device, body.token));
