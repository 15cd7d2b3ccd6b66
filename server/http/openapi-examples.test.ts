// The OpenAPI document's examples and error answers: every required parameter has an example
// (the query ones accepted by the route's zod schema), every operation with a JSON body has a
// request example its route's zod schema accepts, every JSON success has an answer example its
// response schema accepts, every error answer shows each of its codes, and every example is valid
// against the JSON Schema it sits under in the document (so a per-type `data` example follows that
// type's schema from the config).
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ERROR_CODE_LIST, ITEM_ERROR_CODE_LIST } from "../errors";
import { ZErrorBody } from "@syncdesk/protocol";
import { compileTypes } from "../types/compile-types";
import { MOBILE_ROUTES } from "./mobile-routes";
import { buildOpenApiDocument } from "./openapi";

// The parts of the document these checks read; the validator below works on the whole document.
const ZMedia = z.object({ example: z.unknown().optional(), examples: z.record(z.string(), z.object({ value: z.unknown() })).optional() });
const ZOperation = z.object({
  parameters: z.array(z.object({ name: z.string(), in: z.string(), required: z.boolean(), example: z.unknown().optional() })).optional(),
  requestBody: z.object({ content: z.record(z.string(), ZMedia) }).optional(),
  responses: z.record(z.string(), z.object({ description: z.string(), content: z.record(z.string(), ZMedia).optional() })),
});
const ZDoc = z.object({ info: z.object({ description: z.string() }), paths: z.record(z.string(), z.record(z.string(), ZOperation)) });

function validatorOf(doc: object) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, "doc");
  return (pointer: string[], value: unknown) => {
    const validate = ajv.compile({ $ref: `doc#/${pointer.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}/schema` });
    return validate(value) ? null : JSON.stringify(validate.errors);
  };
}

describe("the OpenAPI document's examples", () => {
  const document = buildOpenApiDocument();
  const doc = ZDoc.parse(document);
  const validAt = validatorOf(document);

  it("give an example for every required parameter and JSON body and an answer for every JSON success, accepted by the route's zod schemas", () => {
    let bodies = 0;
    for (const route of MOBILE_ROUTES) {
      const op = doc.paths[route.path]?.[route.method];
      if (!op) throw new Error(`${route.id} is not documented`);
      const where = ["paths", route.path, route.method];
      if (route.body) {
        const body = op.requestBody?.content["application/json"];
        expect(body?.example, route.id).toBeDefined();
        expect(route.body.safeParse(body?.example).error, route.id).toBeUndefined();
        expect(validAt([...where, "requestBody", "content", "application/json"], body?.example), route.id).toBeNull();
        bodies += 1;
      }
      const params = op.parameters ?? [];
      for (const param of params.filter((p) => p.required)) expect(param.example, `${route.id} ${param.name}`).toBeDefined();
      const query = Object.fromEntries(params.filter((p) => p.in === "query" && p.required).map((p) => [p.name, String(p.example)]));
      if (route.query) expect(route.query.safeParse(query).error, route.id).toBeUndefined();
      const status = String(route.status ?? 200);
      const success = op.responses[status]?.content?.["application/json"];
      // Only streamed, binary and bodiless answers (SSE, blobs, tus) carry no JSON example.
      expect(success === undefined, route.id).toBe(Boolean(route.stream || route.binary || route.noBody));
      if (!success) continue;
      expect(success.example, route.id).toBeDefined();
      expect(route.response.safeParse(success.example).error, route.id).toBeUndefined();
      expect(validAt([...where, "responses", status, "content", "application/json"], success.example), route.id).toBeNull();
    }
    expect(bodies).toBeGreaterThan(10);
  });

  it("push a record of a configured type, with data its schema accepts", () => {
    const example = doc.paths["/api/v1/sync/push"]?.post?.requestBody?.content["application/json"]?.example;
    expect(example).toMatchObject({ device_id: "device-1", bundle_id: 1, items: [{ type: "memo", action: "create", data: { content: "string", tags: ["string"], pinned: false } }] });
  });

  it("follow the config: another app's first type is the one pushed", () => {
    const types = compileTypes("test.config.json", {
      types: { visit: { version: 1, policy: "lww", schema: { type: "object", required: ["site", "at"], properties: { site: { type: "string", minLength: 8 }, at: { type: "string", format: "date-time" } } } } },
    }, []);
    const otherDocument = buildOpenApiDocument(types);
    const media = ZDoc.parse(otherDocument).paths["/api/v1/sync/push"]?.post?.requestBody?.content["application/json"];
    expect(media?.example).toMatchObject({ items: [{ type: "visit", data: { site: "stringxx", at: "2026-01-01T12:00:00.000Z" } }] });
    expect(validatorOf(otherDocument)(["paths", "/api/v1/sync/push", "post", "requestBody", "content", "application/json"], media?.example)).toBeNull();
  });

  it("show each error code an operation lists, in the envelope, and list every code in the description", () => {
    for (const route of MOBILE_ROUTES) {
      const op = doc.paths[route.path]?.[route.method];
      const shown = Object.entries(op?.responses ?? {}).filter(([status]) => Number(status) >= 400).flatMap(([status, response]) => {
        const json = response.content?.["application/json"];
        return Object.entries(json?.examples ?? {}).map(([code, { value }]) => {
          expect(ZErrorBody.parse(value).error.code, route.id).toBe(code);
          expect(validAt(["paths", route.path, route.method, "responses", status, "content", "application/json"], value), route.id).toBeNull();
          expect(response.description, route.id).toContain(`\`${code}\``);
          return code;
        });
      });
      expect(new Set(shown), route.id).toEqual(new Set([...route.errors, "internal"]));
    }
    for (const code of [...ERROR_CODE_LIST, ...ITEM_ERROR_CODE_LIST]) expect(doc.info.description).toContain(`| \`${code}\` |`);
  });
});
