import { eventsHandler } from "@/server/live/events-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// `next start` serves this path beside Next (server/live/beside-next.ts); this route answers
// where that is not installed (development servers, tests) and is what the route table reads.
export const GET = eventsHandler;
