// tus 1.0 creation (POST) and discovery (OPTIONS): docs/protocol.md "tus".
import { tusHandler } from "@/server/uploads/tus-route";

export const dynamic = "force-dynamic";

export const POST = tusHandler;
export const OPTIONS = tusHandler;
