import { describe, expect, it } from "vitest";
import { z } from "zod";
import { routeHeaders } from "../http/beside-next";
import { isLiveRequest } from "./beside-next";

// next.config.mjs has no types: read what this test needs through a schema.
const ZConfig = z.object({
  default: z.object({ headers: z.function() }),
});
const ZRules = z.array(z.object({ source: z.string(), headers: z.array(z.object({ key: z.string(), value: z.string() })) }));

describe("live connections beside Next", () => {
  it("take exactly GET of the events path, with or without a query", () => {
    expect(isLiveRequest("GET", "/api/v1/sync/events?token=abc")).toBe(true);
    expect(isLiveRequest("GET", "/api/v1/sync/events")).toBe(true);
    expect(isLiveRequest("HEAD", "/api/v1/sync/events?token=abc")).toBe(false);
    expect(isLiveRequest("POST", "/api/v1/sync/events")).toBe(false);
    expect(isLiveRequest("GET", "/api/v1/sync/events/")).toBe(false);
    expect(isLiveRequest("GET", "/api/v1/sync/eventsx")).toBe(false);
    expect(isLiveRequest("GET", "/api/v1/sync/%65vents")).toBe(false);
  });

  it("send the headers next.config.mjs gives every route", async () => {
    const file = "../../next.config.mjs";
    const config = ZConfig.parse(await import(/* @vite-ignore */ file));
    const rules = ZRules.parse(await config.default.headers());
    const every = rules.find((rule) => rule.source === "/:path*");
    const expected = Object.fromEntries((every?.headers ?? []).map((h) => [h.key, h.value]));
    expect(routeHeaders(process.env.NODE_ENV === "production")).toEqual(expected);
  });
});
