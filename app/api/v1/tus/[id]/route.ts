// One tus upload: HEAD (offset), PATCH (append), DELETE (terminate), OPTIONS. docs/protocol.md "tus".
import { handlerOf } from "@/server/http/route";
import { tusDeleteRoute, tusHeadRoute, tusOptionsUploadRoute, tusPatchRoute } from "@/server/http/routes/tus";
import { discoverTus, handleTus, TUS_ANSWER } from "@/server/uploads/tus-route";

export const dynamic = "force-dynamic";

export const HEAD = handlerOf(tusHeadRoute, handleTus, { answer: TUS_ANSWER });
export const PATCH = handlerOf(tusPatchRoute, handleTus, { answer: TUS_ANSWER });
export const DELETE = handlerOf(tusDeleteRoute, handleTus, { answer: TUS_ANSWER });
export const OPTIONS = handlerOf(tusOptionsUploadRoute, discoverTus, { answer: TUS_ANSWER });
