import { describe, expect, it } from "vitest";
import { readEvents, SseParser } from "./events";

describe("SseParser", () => {
  it("parses events split across chunks, with comments and CRLF", () => {
    const parser = new SseParser();
    expect(parser.push(": keep-alive\r\nevent: po")).toEqual([]);
    expect(parser.push("ke\r\ndata: {\"a\":1}\r\ndata: 2\r\n\r\ndata: x\n\n")).toEqual([
      { event: "poke", data: "{\"a\":1}\n2" },
      { event: "message", data: "x" },
    ]);
  });
});

describe("readEvents", () => {
  const stream = (text: string) => new Response(text, { headers: { "content-type": "text/event-stream" } });

  it("calls onPoke for each poke until the stream ends", async () => {
    let pokes = 0;
    const outcome = await readEvents(async () => stream("event: poke\ndata: {}\n\nevent: other\ndata: 1\n\nevent: poke\ndata: {}\n\n"), () => pokes++);
    expect([outcome, pokes]).toEqual(["ended", 2]);
  });

  it("reports a server without the endpoint as unsupported", async () => {
    expect(await readEvents(async () => new Response("{}", { status: 404 }), () => {})).toBe("unsupported");
  });
});
