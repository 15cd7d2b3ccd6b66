import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { BodyStalled, BodyTooLong, capBytes, failWhenIdle, parseContentRange } from "./content-range";

async function collect(source: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of source) n += chunk.byteLength;
  return n;
}

async function* chunks(...sizes: number[]): AsyncIterable<Uint8Array> {
  for (const size of sizes) yield new Uint8Array(size);
}

describe("parseContentRange", () => {
  it("reads start, inclusive end and size", () => {
    expect(parseContentRange("bytes 0-9/100")).toEqual({ start: 0, end: 9, total: 100 });
    expect(parseContentRange(" bytes 90-99/100 ")).toEqual({ start: 90, end: 99, total: 100 });
  });

  it.each([null, "", "bytes 0-9", "bytes */100", "items 0-9/100", "bytes 9-0/100", "bytes 0-100/100", "bytes -1-9/100"])(
    "refuses %j as invalid_request",
    (header) => {
      const error = (() => {
        try {
          parseContentRange(header);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("invalid_request");
    },
  );
});

describe("capBytes", () => {
  it("passes a body of exactly the limit", async () => {
    expect(await collect(capBytes(chunks(4, 6), 10))).toBe(10);
  });

  it("fails a body longer than the limit", async () => {
    await expect(collect(capBytes(chunks(4, 7), 10))).rejects.toBeInstanceOf(BodyTooLong);
  });
});

describe("failWhenIdle", () => {
  it("passes a body that keeps arriving", async () => {
    expect(await collect(failWhenIdle(chunks(3, 4), 1000))).toBe(7);
  });

  it("fails a body that goes silent, after the bytes that did arrive", async () => {
    let seen = 0;
    async function* silent(): AsyncIterable<Uint8Array> {
      yield new Uint8Array(5);
      await new Promise(() => {}); // never another byte
    }
    const reading = (async () => {
      for await (const chunk of failWhenIdle(silent(), 50)) seen += chunk.byteLength;
    })();
    await expect(reading).rejects.toBeInstanceOf(BodyStalled);
    expect(seen).toBe(5);
  });
});
