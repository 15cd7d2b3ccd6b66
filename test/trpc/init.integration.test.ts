// The one conversion of console errors (init.ts): every AppError a procedure or middleware throws
// answers the tRPC code of the code table, keeps its message and names its code in data.appCode;
// anything else is a bare "Internal error". Only init.ts builds a TRPCError.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { AppError, ERROR_CODE_LIST, ERROR_CODES, type ErrorCode } from "@/server/errors";
import { makeStaff } from "@/test/support/console";
import type { StaffIdentity } from "@/server/staff/accounts";
import { adminProcedure, publicProcedure, router, viewerProcedure } from "@/server/trpc/init";

process.env.LOG_LEVEL ??= "silent";

const ZCode = z.enum(ERROR_CODE_LIST);
const testRouter = router({
  fail: publicProcedure.input(z.object({ code: ZCode })).query(({ input }): string => {
    throw new AppError(input.code, `failed with ${input.code}`, { code: input.code });
  }),
  crash: publicProcedure.query((): string => {
    throw new Error("SELECT secret FROM internals");
  }),
  echo: publicProcedure.input(z.object({ text: z.string() })).query(({ input }) => input.text),
  viewer: viewerProcedure.query(() => "seen"),
  admin: adminProcedure.query(() => "done"),
});

const ZAnswer = z.object({
  error: z.object({ json: z.object({ message: z.string(), data: z.object({ code: z.string(), httpStatus: z.number(), appCode: z.string().nullable() }) }) }),
});

let db: TestDatabase;
let viewer: StaffIdentity;
beforeAll(async () => {
  db = await createTestDatabase();
  viewer = await makeStaff(db.prisma, "viewer");
});
afterAll(() => db?.close());

async function query(name: string, input: unknown, staff: StaffIdentity | null = null) {
  const url = `http://console.test/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc", req: new Request(url), router: testRouter, createContext: async () => ({ db: db.prisma, staff }),
  });
  const answer = ZAnswer.parse(await response.json());
  return { status: response.status, ...answer.error.json };
}

describe("console errors", () => {
  it("answer every AppError code with the table's tRPC code, its message and its appCode", async () => {
    for (const code of ERROR_CODE_LIST) {
      const answer = await query("fail", { code });
      expect(answer.data.code, code).toBe(ERROR_CODES[code].trpc);
      expect(answer.data.appCode, code).toBe(code);
      expect(answer.message, code).toBe(`failed with ${code}`);
    }
  });

  it("refuse by role and unstorable input through AppError, with the messages the console shows", async () => {
    const expectations: [string, unknown, StaffIdentity | null, number, ErrorCode, string][] = [
      ["viewer", undefined, null, 401, "unauthorized", "Log in first"],
      ["admin", undefined, viewer, 403, "forbidden", "This needs the admin role"],
      ["echo", { text: "a\u0000b" }, null, 400, "invalid_request", "The input cannot be used: text "],
    ];
    for (const [name, input, staff, status, appCode, message] of expectations) {
      const answer = await query(name, input, staff);
      expect(answer.status, name).toBe(status);
      expect(answer.data.appCode, name).toBe(appCode);
      expect(answer.message.startsWith(message), `${name}: ${answer.message}`).toBe(true);
    }
  });

  it("name each field of a refused input in data.details.fields, for forms to show beside it", async () => {
    const url = `http://console.test/api/trpc/echo?input=${encodeURIComponent(JSON.stringify({ json: { text: 5 } }))}`;
    const response = await fetchRequestHandler({ endpoint: "/api/trpc", req: new Request(url), router: testRouter, createContext: async () => ({ db: db.prisma, staff: null }) });
    const body = z.object({ error: z.object({ json: z.object({ data: z.object({ code: z.string(), details: z.unknown() }) }) }) }).parse(await response.json());
    expect(response.status).toBe(400);
    expect(body.error.json.data).toMatchObject({ code: "BAD_REQUEST", details: { fields: [{ field: "text", message: expect.stringContaining("string") }] } });
  });

  it("say nothing of an unexpected failure", async () => {
    const answer = await query("crash", undefined);
    expect(answer).toMatchObject({ status: 500, message: "Internal error", data: { code: "INTERNAL_SERVER_ERROR", appCode: null } });
  });
});

describe("server/trpc", () => {
  it("builds TRPCErrors in init.ts only: procedures and routers throw AppError", () => {
    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../server/trpc");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.includes(".test."));
    expect(files.length).toBeGreaterThan(10);
    const builders = files.filter((f) => readFileSync(path.join(root, f), "utf8").includes("new TRPCError("));
    expect(builders).toEqual(["init.ts"]);
    expect(readFileSync(path.join(root, "init.ts"), "utf8").match(/new TRPCError\(/g)).toHaveLength(1);
  });
});
