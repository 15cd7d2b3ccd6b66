import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTransport, SyncError } from "./http";

function transportAnswering(status: number, body: unknown) {
  return createTransport({
    url: "http://sync.test", token: "t", headers: () => ({}),
    fetch: async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }),
  });
}

async function failureOf(status: number, body: unknown): Promise<SyncError> {
  const error = await transportAnswering(status, body).send("GET", "/x", undefined, z.unknown()).then(() => null, (e: unknown) => e);
  if (!(error instanceof SyncError)) throw new Error(`expected a SyncError, got ${String(error)}`);
  return error;
}

describe("the transport's errors", () => {
  it("carry a known code of the server's table with its message and details", async () => {
    const error = await failureOf(412, { error: { code: "bootstrap_required", message: "again", details: { reason: "compacted" } } });
    expect(error).toMatchObject({ code: "bootstrap_required", message: "again", status: 412, details: { reason: "compacted" } });
  });

  it("answer a code outside the table as http_<status>, never as a code the SDK would act on", async () => {
    const error = await failureOf(409, { error: { code: "idempotency_clash", message: "?" } });
    expect(error.code).toBe("http_409");
    expect(error.retryable).toBe(false);
  });
});
