// Unknown API paths answer the protocol's 404 envelope, not Next's HTML page: a mobile client
// parses every error the same way. Next routes here only what no other route matches.
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/route";

export const dynamic = "force-dynamic";

function noSuchRoute(): Response {
  return errorResponse(new AppError("not_found", "There is no such API route"));
}

export const GET = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
