import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { errorResponse } from "@/server/http/route";
import { crossSiteRefusal } from "@/server/limits/csrf";
import { createTrpcContext } from "@/server/trpc/context";
import { inexactMutation } from "@/server/trpc/exact-input";
import { appRouter } from "@/server/trpc/root";

export const dynamic = "force-dynamic";

const handler = (request: Request) =>
  fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext: createTrpcContext });

/** Mutations are POSTs: refused before tRPC sees them unless they come from the console itself. */
const mutate = async (request: Request) => {
  const refused = crossSiteRefusal(request) ?? (await inexactMutation(request));
  return refused ? errorResponse(refused) : handler(request);
};

export { handler as GET, mutate as POST };
