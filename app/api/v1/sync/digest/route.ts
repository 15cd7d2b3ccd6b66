import { readFrom } from "@/server/db/read-db";
import { handlerOf } from "@/server/http/route";
import { digestRoute } from "@/server/http/routes/verify";
import { computeDigest } from "@/server/sync/digest";
import { typeFilter } from "@/server/sync/key-range";

export const dynamic = "force-dynamic";

export const GET = handlerOf(digestRoute, async ({ db, caller, query }) => readFrom(db, (reader) => computeDigest(reader, caller.streams, typeFilter(query.types))));
