import { readFeed } from "@/server/feed/read-feed";
import { handlerOf } from "@/server/http/route";
import { serverChangesRoute } from "@/server/http/routes/server";

export const dynamic = "force-dynamic";

export const GET = handlerOf(serverChangesRoute, ({ db, service, query }) => readFeed(db, service, query));
