import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../errors";
import { createWriteGate } from "./write-gate";

afterEach(() => {
  vi.useRealTimers();
});

/** Settles pending promise callbacks. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("write gate", () => {
  it("lets `limit` writes in at once and the others in arrival order as places are given back", async () => {
    const gate = createWriteGate(2, 0);
    const places = Array.from({ length: 5 }, () => gate.place());
    const admitted: number[] = [];
    const taking = places.map((place, i) => place.take().then(() => admitted.push(i)));
    await flush();
    expect(admitted).toEqual([0, 1]);
    expect([gate.working, gate.waiting]).toEqual([2, 3]);
    places[1]?.leave();
    await flush();
    expect(admitted).toEqual([0, 1, 2]);
    places[0]?.leave();
    places[2]?.leave();
    await flush();
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
    expect([gate.working, gate.waiting]).toEqual([2, 0]);
    places[3]?.leave();
    places[4]?.leave();
    await Promise.all(taking);
    expect([gate.working, gate.waiting]).toEqual([0, 0]);
  });

  it("gives a place back once however often `leave` is called, and `leave` before `take` gives nothing back", async () => {
    const gate = createWriteGate(1, 0);
    const first = gate.place();
    await first.take();
    const never = gate.place();
    never.leave(); // a request refused before its body was read
    expect(gate.working).toBe(1);
    const second = gate.place();
    const third = gate.place();
    let thirdIn = false;
    void second.take();
    void third.take().then(() => (thirdIn = true));
    first.leave();
    first.leave();
    await flush();
    expect(thirdIn).toBe(false);
    expect([gate.working, gate.waiting]).toEqual([1, 1]);
  });

  it("answers 503 unavailable (timeout, Retry-After) to a write that waited too long, and forgets it", async () => {
    vi.useFakeTimers();
    const gate = createWriteGate(1, 30_000);
    const holder = gate.place();
    await holder.take();
    const waiting = gate.place().take();
    const refused = expect(waiting).rejects.toSatisfy((error: unknown) =>
      error instanceof AppError && error.code === "unavailable" && error.status === 503 &&
      error.details?.reason === "timeout" && error.details.retry_after_seconds === 5);
    vi.advanceTimersByTime(29_999);
    expect(gate.waiting).toBe(1);
    vi.advanceTimersByTime(1);
    await refused;
    expect(gate.waiting).toBe(0);
    // The place the holder gives back is free for the next write, not handed to the one that left.
    holder.leave();
    expect(gate.working).toBe(0);
    await gate.place().take();
    expect(gate.working).toBe(1);
  });
});
