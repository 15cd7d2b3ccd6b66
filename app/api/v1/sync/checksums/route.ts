import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { listChecksums } from "@/server/sync/checksums";
import { ZChecksumsQuery } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const GET = deviceRoute({
  query: ZChecksumsQuery,
  handler: async ({ db, caller, query, request }) => {
    await deviceFromHeader(db, caller, request);
    return listChecksums(db, caller, query);
  },
});
