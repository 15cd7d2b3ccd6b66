// The REST route builder of the mobile API: every handler in app/api/** is built here from its
// route definition (route-definition.ts), which the OpenAPI document is built from too. Per
// request, in this order: authenticate, read the body's bytes, (a bundle write: take a place in
// the write gate), parse the JSON body, count the rate limit (malformed requests count too),
// validate body and query, resolve the device once, call the handler, answer JSON. Every failure
// leaves as the error envelope of PROTOCOL.md.
import type { z } from "zod";
import type { Caller } from "../auth/caller";
import { getDb, type Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { AppError, invalidFields, invalidRequest, toErrorBody } from "../errors";
import { enforceRateLimit, retryAfterHeader } from "../limits/rate-limit";
import { databaseTimeoutError } from "../limits/timeouts";
import { writeGate } from "../limits/write-gate";
import { logger } from "../log";
import type { PullPosition } from "../sync/tokens";
import type { ServiceCaller } from "../keys/service-keys";
import { authenticateDevice } from "./device-auth";
import { authenticateService } from "./service-auth";
import { json } from "./json-response";
import { observe } from "./observe";
import { refuseInexact } from "./inexact-body";
import { parseJsonBody, readBody } from "./read-json";
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

/** What a request brings before its work: who sent it and its body's bytes, not yet parsed. */
type Arrival =
  | { kind: "none"; bytes?: Buffer }
  | { kind: "device"; caller: Caller; bytes?: Buffer }
  | { kind: "service"; db: Db; service: ServiceCaller; bytes?: Buffer };

/** Authentication, then the body's bytes (read-json.ts): all a bundle write does before its place. */
async function arrive(definition: RouteDefinition, request: Request): Promise<Arrival> {
  const bytes = async () => (definition.body ? { bytes: await readBody(request) } : {});
  const auth = definition.auth;
  switch (auth.kind) {
    case "none":
      return { kind: "none", ...(await bytes()) };
    case "device": {
      const caller = await authenticateDevice(request);
      return { kind: "device", caller, ...(await bytes()) };
    }
    case "service": {
      const db = await getDb();
      const service = await authenticateService(request, db, auth.scope);
      return { kind: "service", db, service, ...(await bytes()) };
    }
  }
}

/** The handler's context: the body parsed, rate limit, input and device, in the protocol's order. */
async function contextOf(definition: RouteDefinition, request: Request, context: NextContext | undefined, arrival: Arrival): Promise<WideContext> {
  const sent = arrival.bytes ? parseJsonBody(arrival.bytes) : undefined;
  const input = async () => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const params = await flatParams(context);
    // `%00` in a query or path parameter is a 400 here, never text PostgreSQL refuses (22021).
    for (const [what, values] of [["query", definition.query ? query : {}], ["path", params]] as const) {
      const problem = findUnstorableJson(values);
      if (problem) throw invalidFields([problem], `The ${what} is invalid: ${problem.field} ${problem.message}`);
    }
    const body = parse(definition.body, sent?.value, "body");
    if (sent?.inexact.length) refuseInexact(definition, body, sent.inexact);
    return { request, body, query: parse(definition.query, query, "query"), params };
  };
  const auth = definition.auth;
  switch (arrival.kind) {
    case "none":
      return { ...(await input()), getDb };
    case "device": {
      if (auth.kind !== "device") throw new Error(`route ${definition.id}: a device arrival for ${auth.kind} auth`);
      const { caller } = arrival;
      const db = await getDb();
      await enforceRateLimit(db, { userId: caller.userId, deviceId: rateLimitDeviceId(request, sent?.value) });
      const parsed = await input();
      return { ...parsed, caller, db, ...(await resolveDevice(auth.device, db, caller, request, parsed)) };
    }
    case "service": {
      const { db, service } = arrival;
      await enforceRateLimit(db, { userId: `service:${service.name}`, deviceId: null });
      return { ...(await input()), db, service };
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
  const work = async (request: Request, context: NextContext | undefined, arrival: Arrival): Promise<Response> => {
    const ctx = await contextOf(definition, request, context, arrival);
    if (!fitsDefinition(definition, ctx)) throw new Error(`The context of route ${definition.id} misses what its auth promises`);
    const result = await handler(ctx);
    return result instanceof Response ? result : json(result, definition.status ?? 200);
  };
  const run: RouteHandler = async (request, context) => {
    let response: Response;
    const place = definition.writesBundle ? writeGate().place() : undefined;
    try {
      const arrival = await arrive(definition, request);
      await place?.take();
      // The work gets frames of its own, made once the place is taken. This one may have waited
      // long enough to be in V8's old generation, and a young object it held across an await
      // would then be kept by it, dead or alive, until a full GC (write-gate.ts).
      response = await work(request, context, arrival);
    } catch (error) {
      response = answer.error(error);
    } finally {
      place?.leave(); // the answer is built: what the write held is garbage now
    }
    return answer.finish ? answer.finish(request, response) : response;
  };
  const routeHandler = options.quiet ? run : observe(run);
  built.set(routeHandler, definition);
  return routeHandler;
}
