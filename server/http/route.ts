// The REST route builder of the mobile API: every handler in app/api/** is built here from its
// route definition (route-definition.ts), which the OpenAPI document is built from too. Per
// request, in this order: authenticate, read the JSON body, count the rate limit (malformed
// requests count too), validate body and query, resolve the device once, call the handler, answer
// JSON. Every failure leaves as the error envelope of PROTOCOL.md.
import type { z } from "zod";
import type { Caller } from "../auth/caller";
import { getDb, type Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { AppError, invalidFields, invalidRequest, toErrorBody } from "../errors";
import { enforceRateLimit, retryAfterHeader } from "../limits/rate-limit";
import { databaseTimeoutError } from "../limits/timeouts";
import { logger } from "../log";
import type { PullPosition } from "../sync/tokens";
import type { ServiceCaller } from "../keys/service-keys";
import { authenticateDevice } from "./device-auth";
import { authenticateService } from "./service-auth";
import { json } from "./json-response";
import { observe } from "./observe";
import { refuseInexact } from "./inexact-body";
import { readJson, type JsonBody } from "./read-json";
import { findUnstorableJson } from "./storable-json";
import { rateLimitDeviceId, resolveDevice } from "./request-device";
import type { RouteContext, RouteDefinition } from "./route-definition";

type NextContext = { params: Promise<Record<string, string | string[]>> };
export type RouteHandler = (request: Request, context?: NextContext) => Promise<Response>;

/** How a route answers when not in plain JSON envelopes (tus: its own statuses and headers). */
export type AnswerFormat = {
  error(error: unknown): Response;
  /** Applied to every answer, errors included. */
  finish?(request: Request, response: Response): Promise<Response>;
};

/** `quiet`: no request log line or metrics (load balancers' health checks). */
export type HandlerOptions = { answer?: AnswerFormat; quiet?: boolean };

export function errorResponse(error: unknown): Response {
  const timedOut = databaseTimeoutError(error);
  if (timedOut) {
    logger.warn({ err: error }, "database timeout");
    return errorResponse(timedOut);
  }
  if (error instanceof AppError) {
    // An oversize body may still be arriving unread: close rather than let the client reuse a
    // connection whose next request would be taken for the rest of this body.
    const unread = error.code === "payload_too_large" || error.code === "request_timeout";
    const headers: Record<string, string> = unread ? { connection: "close" } : {};
    return json(toErrorBody(error), error.status, { ...headers, ...retryAfterHeader(error) });
  }
  logger.error({ err: error }, "unhandled error");
  return json(toErrorBody(new AppError("internal", "Internal error")), 500);
}

function parse(schema: z.ZodType | undefined, value: unknown, what: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(result.error.issues, `The ${what} is invalid`);
  return result.data;
}

async function flatParams(context: NextContext | undefined): Promise<Record<string, string>> {
  const raw = (context ? await context.params : undefined) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
}

type WideContext = {
  request: Request; params: Record<string, string>; body: unknown; query: unknown;
  caller?: Caller; db?: Db; getDb?: () => Promise<Db>; device?: DeviceContext | null; position?: PullPosition;
  service?: ServiceCaller;
};

/** The handler's context: authentication, rate limit, input and device, in the protocol's order. */
async function contextOf(definition: RouteDefinition, request: Request, context: NextContext | undefined): Promise<WideContext> {
  const input = async (sent: JsonBody | undefined) => {
    const raw = sent?.value;
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const params = await flatParams(context);
    // `%00` in a query or path parameter is a 400 here, never text PostgreSQL refuses (22021).
    for (const [what, values] of [["query", definition.query ? query : {}], ["path", params]] as const) {
      const problem = findUnstorableJson(values);
      if (problem) throw invalidFields([problem], `The ${what} is invalid: ${problem.field} ${problem.message}`);
    }
    const body = parse(definition.body, raw, "body");
    if (sent?.inexact.length) refuseInexact(definition, body, sent.inexact);
    return { request, body, query: parse(definition.query, query, "query"), params };
  };
  const auth = definition.auth;
  switch (auth.kind) {
    case "none":
      return { ...(await input(definition.body ? await readJson(request) : undefined)), getDb };
    case "device": {
      const caller = await authenticateDevice(request);
      const sent = definition.body ? await readJson(request) : undefined;
      const db = await getDb();
      await enforceRateLimit(db, { userId: caller.userId, deviceId: rateLimitDeviceId(request, sent?.value) });
      const parsed = await input(sent);
      return { ...parsed, caller, db, ...(await resolveDevice(auth.device, db, caller, request, parsed)) };
    }
    case "service": {
      const db = await getDb();
      const service = await authenticateService(request, db, auth.scope);
      const sent = definition.body ? await readJson(request) : undefined;
      await enforceRateLimit(db, { userId: `service:${service.name}`, deviceId: null });
      return { ...(await input(sent)), db, service };
    }
  }
}

/**
 * Whether the context holds what the definition's auth promises its handler (a device where one
 * is required, a token position). Always true unless the builder itself is wrong; it is what lets
 * the handler's precise context type stand without a cast.
 */
function fitsDefinition<D extends RouteDefinition>(definition: D, ctx: WideContext): ctx is WideContext & RouteContext<D> {
  const auth = definition.auth;
  if (auth.kind === "none") return ctx.getDb !== undefined;
  if (auth.kind === "service") return ctx.service !== undefined && ctx.db !== undefined;
  const optional = auth.device.from === "header" && auth.device.fallback === undefined;
  return ctx.caller !== undefined && ctx.db !== undefined && ctx.device !== undefined && (optional || ctx.device !== null) &&
    (auth.device.from !== "syncToken" || ctx.position !== undefined);
}

const built = new WeakMap<object, RouteDefinition>();

/** The definition a handler was built from (the route table's test walks app/api with it). */
export function definitionOf(handler: unknown): RouteDefinition | undefined {
  return typeof handler === "function" ? built.get(handler) : undefined;
}

/** Builds the Next route handler of `definition`: a plain result answers JSON with its status. */
export function handlerOf<const D extends RouteDefinition>(
  definition: D, handler: (ctx: RouteContext<D>) => Promise<unknown>, options: HandlerOptions = {},
): RouteHandler {
  const answer = options.answer ?? { error: errorResponse };
  const run: RouteHandler = async (request, context) => {
    let response: Response;
    try {
      const ctx = await contextOf(definition, request, context);
      if (!fitsDefinition(definition, ctx)) throw new Error(`The context of route ${definition.id} misses what its auth promises`);
      const result = await handler(ctx);
      response = result instanceof Response ? result : json(result, definition.status ?? 200);
    } catch (error) {
      response = answer.error(error);
    }
    return answer.finish ? answer.finish(request, response) : response;
  };
  const routeHandler = options.quiet ? run : observe(run);
  built.set(routeHandler, definition);
  return routeHandler;
}
