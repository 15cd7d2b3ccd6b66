// Routes are declared once (issue 14): every method a mobile route file exports is built by
// handlerOf from a definition of MOBILE_ROUTES, with the file's method and path; every definition
// has exactly one handler; and the OpenAPI document lists exactly these routes. A handler that
// parses with schemas of its own (not built from its definition), a definition without a handler
// or a handler without a definition fails here.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MOBILE_ROUTES } from "@/server/http/mobile-routes";
import { buildOpenApiDocument } from "@/server/http/openapi";
import { definitionOf } from "@/server/http/route";
import type { RouteDefinition } from "@/server/http/route-definition";

const API = path.join(process.cwd(), "app", "api");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
/** Route files that serve no mobile route: the document itself. */
const NOT_MOBILE_ROUTES = new Set(["/api/v1/openapi.json"]);

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? routeFiles(path.join(dir, entry.name)) : entry.name === "route.ts" ? [path.join(dir, entry.name)] : []);
}

/** The route path of a file under app/, `[name]` as `{name}`. */
const pathOf = (file: string) => `/api${path.dirname(file).slice(API.length).replace(/\[(\w+)\]/g, "{$1}")}`;

type Built = { file: string; method: string; definition: RouteDefinition | undefined };

async function builtHandlers(): Promise<Built[]> {
  const files = [...routeFiles(path.join(API, "v1")), path.join(API, "health", "route.ts")];
  const built: Built[] = [];
  for (const file of files.filter((f) => !NOT_MOBILE_ROUTES.has(pathOf(f)))) {
    const module = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      if (method in module) built.push({ file, method, definition: definitionOf(module[method]) });
    }
  }
  return built;
}

describe("the route table", () => {
  // Imports every route module of app/api: slow on a busy machine, hence the timeout.
  it("builds every exported method of every mobile route file from its own definition in MOBILE_ROUTES", { timeout: 120_000 }, async () => {
    const built = await builtHandlers();
    expect(built.length).toBeGreaterThanOrEqual(MOBILE_ROUTES.length);
    for (const { file, method, definition } of built) {
      const where = `${method} ${pathOf(file)}`;
      expect(definition, `${where} is not built by handlerOf from a route definition`).toBeDefined();
      // The very object of the table: its schemas are the ones the handler parses with.
      expect(MOBILE_ROUTES.includes(definition as RouteDefinition), `${where}: its definition is not in MOBILE_ROUTES`).toBe(true);
      expect(definition?.method, where).toBe(method.toLowerCase());
      expect(definition?.path, where).toBe(pathOf(file));
    }
    const handled = built.map((b) => b.definition?.id).sort();
    expect(handled, "each definition has exactly one handler").toEqual(MOBILE_ROUTES.map((r) => r.id).sort());
  });

  it("has unique ids and method-path pairs", () => {
    expect(new Set(MOBILE_ROUTES.map((r) => r.id)).size).toBe(MOBILE_ROUTES.length);
    expect(new Set(MOBILE_ROUTES.map((r) => `${r.method} ${r.path}`)).size).toBe(MOBILE_ROUTES.length);
  });

  it("is what the OpenAPI document lists, operation for operation", () => {
    const paths = buildOpenApiDocument().paths as Record<string, Record<string, { operationId: string; requestBody?: unknown; parameters: { in: string; name: string }[] }>>;
    const documented = Object.entries(paths).flatMap(([route, ops]) => Object.entries(ops).map(([method, op]) => ({ route, method, op })));
    expect(documented.map(({ route, method, op }) => `${method} ${route} ${op.operationId}`).sort())
      .toEqual(MOBILE_ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort());
    for (const route of MOBILE_ROUTES) {
      const op = paths[route.path]?.[route.method];
      expect(op?.requestBody !== undefined, `${route.id} documents a body exactly when it reads one`).toBe(route.body !== undefined || route.rawBody !== undefined);
      const queried = op?.parameters.filter((p) => p.in === "query").map((p) => p.name) ?? [];
      expect(queried.length > 0, `${route.id} documents query parameters exactly when it parses a query`).toBe(route.query !== undefined);
      const deviceHeader = op?.parameters.some((p) => p.in === "header" && p.name === "X-Device-Id");
      expect(deviceHeader, `${route.id} documents X-Device-Id exactly when it reads it`)
        .toBe(route.auth.kind === "device" && route.auth.device.from !== "body");
    }
  });
});
