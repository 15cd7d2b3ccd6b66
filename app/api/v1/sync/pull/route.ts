import { pullGetHandler, pullHandler } from "@/server/http/sync-handlers";

export const dynamic = "force-dynamic";

// `next start` serves this path beside Next (server/http/beside-next-routes.ts) with the same
// handlers; these routes answer where that is not installed (development servers, tests).
export const POST = pullHandler;
export const GET = pullGetHandler;
