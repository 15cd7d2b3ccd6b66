import { describe, expect, it } from "vitest";
import { nextSlotAfter, slotOf } from "./slots";

const HOUR = 3_600_000;

describe("job slots", () => {
  it("puts every moment of an interval in the slot that starts it", () => {
    const start = new Date("2026-11-22T10:00:00.000Z");
    expect(slotOf(start, HOUR)).toEqual(start);
    expect(slotOf(new Date("2026-11-22T10:59:59.999Z"), HOUR)).toEqual(start);
    expect(slotOf(new Date("2026-11-22T11:00:00.000Z"), HOUR)).toEqual(new Date("2026-11-22T11:00:00.000Z"));
  });

  it("names the start of the following slot as the next one", () => {
    expect(nextSlotAfter(new Date("2026-11-22T10:15:00.000Z"), 15 * 60_000)).toEqual(new Date("2026-11-22T10:30:00.000Z"));
    expect(nextSlotAfter(new Date("2026-11-22T10:00:00.000Z"), HOUR)).toEqual(new Date("2026-11-22T11:00:00.000Z"));
  });
});
