import { describe, expect, it } from "vitest";
import { ERROR_CODE_LIST, ERROR_CODES, ITEM_ERROR_CODE_LIST, ITEM_ERROR_CODES } from "./errors";
import { buildOpenApiDocument } from "./http/openapi";
import { ZErrorBody, ZItemError, ZPushResponse } from "@syncdesk/protocol";

const envelope = (code: string) => ({ error: { code, message: "m" } });
const pushResponse = (code: string) => ({
  batch_id: "b", bundle_id: 1, status: "rejected", processed_at: "2026-01-01T00:00:00.000Z",
  results: [{ index: 0, client_temp_id: null, id: null, status: "error", error: { code, message: "m" } }],
});

describe("the error code tables", () => {
  it("describe every code, with a 4xx/5xx status and a tRPC code for request errors", () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(spec.description.length, code).toBeGreaterThan(10);
      expect(spec.status >= 400 && spec.status < 600, code).toBe(true);
      expect(spec.trpc, code).toMatch(/^[A-Z_]+$/);
    }
    for (const [code, spec] of Object.entries(ITEM_ERROR_CODES)) expect(spec.description.length, code).toBeGreaterThan(10);
    expect(ERROR_CODE_LIST).toEqual(Object.keys(ERROR_CODES));
    expect(ITEM_ERROR_CODE_LIST).toEqual(Object.keys(ITEM_ERROR_CODES));
  });

  it("keep every code PROTOCOL.md names", () => {
    // PROTOCOL.md "Errors" (the wire contract, kept outside this repository).
    const contract = [
      "invalid_request", "unauthorized", "invalid_token", "forbidden", "device_revoked", "not_found",
      "idempotency_conflict", "bootstrap_required", "payload_too_large", "range_not_satisfiable", "checksum_mismatch", "rate_limited",
    ];
    expect(ERROR_CODE_LIST).toEqual(expect.arrayContaining(contract));
    // Item errors the contract names by meaning: unknown types, data failing the schema.
    expect(ITEM_ERROR_CODE_LIST).toEqual(expect.arrayContaining(["unknown_type", "invalid_data"]));
  });
});

describe("the wire schemas know the codes", () => {
  it("ZErrorBody accepts exactly the request codes", () => {
    for (const code of ERROR_CODE_LIST) expect(ZErrorBody.safeParse(envelope(code)).success, code).toBe(true);
    for (const code of ["nope", "media_not_found", "", "NOT_FOUND"]) expect(ZErrorBody.safeParse(envelope(code)).success, code).toBe(false);
  });

  it("ZItemError and ZPushResponse accept exactly the item codes", () => {
    for (const code of ITEM_ERROR_CODE_LIST) {
      expect(ZItemError.safeParse({ code, message: "m" }).success, code).toBe(true);
      expect(ZPushResponse.safeParse(pushResponse(code)).success, code).toBe(true);
    }
    for (const code of ["nope", "validation_failed", "rate_limited"]) {
      expect(ZItemError.safeParse({ code, message: "m" }).success, code).toBe(false);
      expect(ZPushResponse.safeParse(pushResponse(code)).success, code).toBe(false);
    }
  });

  it("the OpenAPI document lists them as enums", () => {
    const doc = JSON.stringify(buildOpenApiDocument());
    expect(doc).toContain(JSON.stringify({ type: "string", enum: ERROR_CODE_LIST }));
    expect(doc).toContain(JSON.stringify({ type: "string", enum: ITEM_ERROR_CODE_LIST }));
  });
});
