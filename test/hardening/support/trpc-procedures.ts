// Every console procedure, read from the router itself (so procedures added later are covered), with
// the role each one needs. A procedure missing from PROCEDURE_ROLES fails the coverage tests.
import type { z } from "zod";
import { appRouter } from "@/server/trpc/root";
import { PROCEDURES } from "./procedure-roles";

/** The minimum role of each procedure (server/trpc/routers/*: viewer < support < operator < admin). */
export const PROCEDURE_ROLES = Object.fromEntries(Object.entries(PROCEDURES).map(([path, p]) => [path, p.role]));

export type ProcedureInfo = { path: string; type: "query" | "mutation" | "subscription"; input: z.ZodType | null };

type RawProcedure = { _def: { type: ProcedureInfo["type"]; inputs: unknown[] } };

export function listProcedures(): ProcedureInfo[] {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, RawProcedure> }).procedures;
  return Object.entries(procedures).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    input: (procedure._def.inputs[0] as z.ZodType | undefined) ?? null,
  }));
}

/** A request to the tRPC route as the console's client makes it (superjson, CSRF header on POST). */
export function trpcRequest(
  procedure: Pick<ProcedureInfo, "path" | "type">,
  input: unknown,
  options: { cookie?: string; csrf?: boolean; rawBody?: BodyInit; contentType?: string; method?: string; search?: string } = {},
): Request {
  const method = options.method ?? (procedure.type === "query" ? "GET" : "POST");
  const wire = input === undefined ? undefined : JSON.stringify({ json: input });
  const search = options.search ?? (method === "GET" && wire !== undefined ? `?input=${encodeURIComponent(wire)}` : "");
  const headers: Record<string, string> = { host: "console.test" };
  if (options.cookie) headers.cookie = options.cookie;
  if (method === "POST") {
    headers["content-type"] = options.contentType ?? "application/json";
    if (options.csrf !== false) headers["x-syncdesk-csrf"] = "1";
  }
  return new Request(`http://console.test/api/trpc/${procedure.path}${search}`, {
    method,
    headers,
    ...(method === "POST" ? { body: options.rawBody ?? wire ?? "" } : {}),
  });
}
