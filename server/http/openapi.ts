// The OpenAPI 3.1 document of the mobile API, generated from the zod schemas the routes parse
// with and answer in, taken from the route definitions every handler is built from
// (mobile-routes.ts): a route cannot drift from its handler's wire shapes. Served at
// GET /api/v1/openapi.json and rendered at /docs/api.
import { z } from "zod";
import * as S from "@syncdesk/protocol";
import { ZServerPushItem } from "../sync/server-schemas";
import { MOBILE_ROUTES, type MobileRoute } from "./mobile-routes";
import { listTypes } from "../types/registry";
import type { ResourceType } from "../types/resource-type";
import { COMPONENTS, typeComponents, type DataCarrier } from "./openapi-types";
import { attachExamples } from "./openapi-examples";
import { errorCodeTables, errorResponses } from "./openapi-errors";
import { readsDeviceHeader } from "./route-definition";

type JsonSchema = Record<string, unknown>;
type Io = "input" | "output";

/** The wire shapes whose `data` depends on their `type`: described once, in components. */
const DATA_CARRIERS = new Map<unknown, DataCarrier>([
  [S.ZRecord, "Record"], [S.ZChange, "Change"], [S.ZPushItem, "PushItem"], [ZServerPushItem, "ServerPushItem"],
]);

function jsonSchema(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io, target: "draft-2020-12", unrepresentable: "any",
    // Inside another shape, a carrier of data is a reference to its component (typeComponents).
    override: ({ zodSchema, jsonSchema: generated }) => {
      const carrier = !Object.is(zodSchema, schema) && DATA_CARRIERS.get(zodSchema);
      if (!carrier) return;
      for (const key of Object.keys(generated)) delete generated[key];
      generated.$ref = `${COMPONENTS}${carrier}`;
    },
  });
  return rest;
}

const errorSchema = jsonSchema(S.ZErrorBody, "output");

function parameters(route: MobileRoute): JsonSchema[] {
  const params: JsonSchema[] = [];
  for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
    params.push({ name: name.slice(1, -1), in: "path", required: true, schema: { type: "string" } });
  }
  if (route.query) {
    const query = jsonSchema(route.query, "input");
    const properties = (query.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((query.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(properties)) {
      params.push({ name, in: "query", required: required.has(name), schema });
    }
  }
  if (readsDeviceHeader(route)) {
    params.push({
      name: "X-Device-Id",
      in: "header",
      required: false,
      description: "The calling device: checked (revoked -> 403) and its last-seen updated.",
      schema: { type: "string", maxLength: 200 },
    });
  }
  return params;
}

function operation(route: MobileRoute): JsonSchema {
  const success: JsonSchema = route.stream
    ? { description: route.stream, content: { "text/event-stream": { schema: { type: "string" } } } }
    : route.binary
      ? { description: route.binary, content: { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } }
      : { description: "OK", content: { "application/json": { schema: jsonSchema(route.response, "output") } } };
  const op: JsonSchema = {
    operationId: route.id,
    summary: route.summary,
    description: route.description,
    tags: [route.tag],
    parameters: parameters(route),
    // A tus answer has no body (its headers carry the result).
    responses: { [String(route.status ?? 200)]: route.noBody ? { description: route.noBody } : success, ...errorResponses(route.errors, errorSchema) },
  };
  if (route.auth.kind === "none") op.security = [];
  if (route.auth.kind === "service") op.security = [{ serviceKey: [] }];
  if (route.body) {
    op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } };
  }
  if (route.rawBody) {
    op.requestBody = { required: true, description: route.rawBody, content: { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } };
  }
  return op;
}

const TRY_IT = [
  "## Try it",
  "Mint a development token for a user with `npm run token -- --user alice` (signed with this server's `SYNC_JWT_SECRET`),",
  "paste it under **Authorize** (`deviceJwt`), open an operation and press **Try it out**: the call goes to this server",
  "with `Authorization: Bearer <token>`, from a body prefilled with the example. Routes for your backend take a service key (`npm run key:create`) instead.",
].join(" ");

/**
 * The whole document for the given types (by default the process's, from its config); pure
 * otherwise, so tests and the docs page build the same one.
 */
export function buildOpenApiDocument(types: readonly ResourceType[] = listTypes()): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of MOBILE_ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  // No jsonSchemaDialect: the OpenAPI 3.1 default (2020-12 plus OpenAPI's keywords) covers these
  // schemas, and reference renderers support only the default.
  return attachExamples({
    openapi: "3.1.0",
    info: {
      title: "Syncdesk mobile sync API",
      version: "1",
      description: [
        "The wire contract of the mobile sync protocol. Field names are snake_case. See docs/protocol.md for the full write-up.",
        TRY_IT,
        errorCodeTables(),
      ].join("\n\n"),
    },
    servers: [{ url: "/" }],
    security: [{ deviceJwt: [] }],
    components: {
      securitySchemes: {
        deviceJwt: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Your app's JWT: `sub` is the user, optional `streams` grants shared streams." },
        serviceKey: { type: "http", scheme: "bearer", description: "A service key of your backend (`npm run key:create`), with scopes and stream patterns (docs/backend.md)." },
      },
      schemas: {
        Error: errorSchema,
        ...typeComponents(types, {
          Record: jsonSchema(S.ZRecord, "output"),
          Change: jsonSchema(S.ZChange, "output"),
          PushItem: jsonSchema(S.ZPushItem, "input"),
          ServerPushItem: jsonSchema(ZServerPushItem, "input"),
        }),
      },
    },
    paths,
  });
}
