// One tus upload: HEAD (offset), PATCH (append), DELETE (terminate), OPTIONS. docs/protocol.md "tus".
import { tusHandler } from "@/server/uploads/tus-route";

export const dynamic = "force-dynamic";

export const HEAD = tusHandler;
export const PATCH = tusHandler;
export const DELETE = tusHandler;
export const OPTIONS = tusHandler;
