import { describe, expect, it } from "vitest";
import { RecordTexts } from "./record-texts";

const textsOf = (texts: string[]) => {
  const page = new RecordTexts();
  for (const text of texts) page.add(text);
  return page;
};

describe("RecordTexts", () => {
  it("joins no records to just what surrounds them", () => {
    const page = textsOf([]);
    expect(page.length).toBe(0);
    expect(page.joined("[", "]")).toBe("[]");
  });

  it("gives the texts joined by commas across many chunks, multi-byte and astral characters intact", () => {
    // ~5,000 records of 300-700 characters: several 64 KiB chunks, records of every kind of UTF-8 length.
    const texts = Array.from({ length: 5000 }, (_, n) =>
      JSON.stringify({ id: `r-${n}`, data: { note: `é€😀 "q" \\ ${"x".repeat(n % 400)}`, n } }));
    const page = textsOf(texts);
    expect(page.length).toBe(5000);
    expect(page.joined('{"items":[', "]}")).toBe(`{"items":[${texts.join(",")}]}`);
    expect(JSON.parse(page.joined("[", "]"))).toEqual(texts.map((t) => JSON.parse(t)));
  });

  it("holds a record longer than a chunk", () => {
    const texts = ["a", `"${"é".repeat(100_000)}"`, "b"];
    expect(textsOf(texts).joined()).toBe(texts.join(","));
  });
});
