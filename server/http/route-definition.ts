// One object per mobile route: what the OpenAPI document says about it (openapi.ts) and what its
// handler does (route.ts builds every handler in app/api/** from its definition), so the two
// cannot drift. The routes themselves are in server/http/routes/*.ts.
import type { z } from "zod";
import type { Caller } from "../auth/caller";
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import type { ErrorCode } from "../errors";
import type { Scope, ServiceCaller } from "../keys/service-keys";
import type { PullPosition } from "../sync/tokens";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete" | "head" | "options";

/**
 * Where a device-authenticated route learns which device calls (the bearer JWT names the user
 * only). The builder registers the device on first use, refuses a revoked one, and hands it to
 * the handler; nothing else reads `X-Device-Id`.
 */
export type DeviceSource =
  /** `device_id` of the JSON body (its schema requires it). */
  | { from: "body" }
  /** The optional `X-Device-Id` header: without it `fallback` when given, else no device. */
  | { from: "header"; fallback?: string }
  /** The sync token (`token` of the body or query) names the device; `X-Device-Id`, if sent, must agree. */
  | { from: "syncToken" };

/** Who may call: a device (by JWT), the team's backend (by a service key with `scope`), or anyone. */
export type RouteAuth = { kind: "device"; device: DeviceSource } | { kind: "service"; scope: Scope } | { kind: "none" };

type Common = {
  /** The OpenAPI operationId. */
  id: string;
  method: HttpMethod;
  /** The path with `{name}` parameters, as under app/ (`[name]` there). */
  path: string;
  tag: "sync" | "verify" | "conflicts" | "watermelon" | "uploads" | "service" | "server";
  summary: string;
  description: string;
  auth: RouteAuth;
  query?: z.ZodType;
  response: z.ZodType;
  /** A streamed answer (Server-Sent Events) instead of JSON: its description. */
  stream?: string;
  /** The success status when not 200 (201 for a create). */
  status?: number;
  /** Raw bytes answered instead of JSON: its description. */
  binary?: string;
  /** No body on success (tus: the headers carry the result): its description. */
  noBody?: string;
  errors: readonly ErrorCode[];
  /**
   * The body's `items[].data` is record data (push, server push): a value there that JavaScript
   * cannot hold as sent refuses that item as `invalid_data`; elsewhere it refuses the body (400).
   */
  itemData?: true;
  /**
   * The route writes a bundle (push, server push, WatermelonDB push): it parses its body and does
   * its work only with a place in the write gate (server/limits/write-gate.ts).
   */
  writesBundle?: true;
};

/**
 * Body handling: a JSON body read (capped) and parsed with `body` before the handler runs, or raw
 * bytes (`rawBody`, its description) the handler streams from the request itself, or none.
 */
export type RouteDefinition = Common & ({ body: z.ZodType; rawBody?: never } | { rawBody: string; body?: never } | { body?: never; rawBody?: never });

type Parsed<D, K extends "body" | "query"> = D extends { [k in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

type DeviceOf<S> = S extends { from: "header"; fallback: string } ? DeviceContext : S extends { from: "header" } ? DeviceContext | null : DeviceContext;

/** What the builder resolved about the caller, by the route's auth. */
type AuthContext<A> = A extends { kind: "device"; device: infer S }
  ? { caller: Caller; db: Db; device: DeviceOf<S> } & (S extends { from: "syncToken" } ? { position: PullPosition } : unknown)
  : A extends { kind: "service" } ? { service: ServiceCaller; db: Db }
  // Opened on demand: a route without auth (health, tus discovery) must answer without the database.
  : { getDb: () => Promise<Db> };

/** What a handler is given: the request, its parsed input and what its auth resolved. */
export type RouteContext<D extends RouteDefinition> = {
  request: Request;
  params: Record<string, string>;
  body: Parsed<D, "body">;
  query: Parsed<D, "query">;
} & AuthContext<D["auth"]>;

/** A definition whose device source its schemas cannot feed resolves to `never` (a type error). */
type Consistent<D extends RouteDefinition> = D["auth"] extends { device: { from: "body" } }
  ? Parsed<D, "body"> extends { device_id: string } ? D : never
  : D["auth"] extends { device: { from: "syncToken" } }
    ? Parsed<D, "body"> extends { token: string } ? D : Parsed<D, "query"> extends { token: string } ? D : never
    : D;

/** Declares a route, keeping its literal types (schemas, auth) for the handler's context. */
export function defineRoute<const D extends RouteDefinition>(definition: D & Consistent<D>): D {
  return definition;
}

/** Whether the route documents (and reads) `X-Device-Id`. */
export function readsDeviceHeader(route: RouteDefinition): boolean {
  return route.auth.kind === "device" && route.auth.device.from !== "body";
}
