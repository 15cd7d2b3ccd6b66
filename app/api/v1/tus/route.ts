// tus 1.0 creation (POST) and discovery (OPTIONS): docs/protocol.md "tus".
import { handlerOf } from "@/server/http/route";
import { tusCreateRoute, tusOptionsRoute } from "@/server/http/routes/tus";
import { discoverTus, handleTus, TUS_ANSWER } from "@/server/uploads/tus-route";

export const dynamic = "force-dynamic";

export const POST = handlerOf(tusCreateRoute, handleTus, { answer: TUS_ANSWER });
export const OPTIONS = handlerOf(tusOptionsRoute, discoverTus, { answer: TUS_ANSWER });
