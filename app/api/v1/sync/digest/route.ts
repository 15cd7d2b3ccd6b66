import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { computeDigest } from "@/server/sync/digest";
import { typeFilter } from "@/server/sync/key-range";
import { ZDigestQuery } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const GET = deviceRoute({
  query: ZDigestQuery,
  handler: async ({ db, caller, query, request }) => {
    await deviceFromHeader(db, caller, request);
    return computeDigest(db, caller.streams, typeFilter(query.types));
  },
});
