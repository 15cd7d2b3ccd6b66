import { describe, expect, it } from "vitest";
import { SyncError } from "./http";
import { backoffDelay, withRetry } from "./retry";

const policy = { attempts: 4, baseMs: 100, maxMs: 350 };

describe("withRetry", () => {
  it("retries network failures with growing, capped delays, then gives up with the last error", async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new SyncError("network", "down", null));
    };
    await expect(withRetry(failing, policy, async (ms) => void waits.push(ms))).rejects.toThrow("down");
    expect(calls).toBe(4);
    expect(waits.map((w, n) => w >= Math.min(350, 100 * 2 ** n) / 2 && w <= Math.min(350, 100 * 2 ** n))).toEqual([true, true, true]);
  });

  it("does not retry an answer that will not change (4xx)", async () => {
    let calls = 0;
    const refused = () => {
      calls++;
      return Promise.reject(new SyncError("invalid_request", "bad", 400));
    };
    await expect(withRetry(refused, policy, async () => {})).rejects.toThrow("bad");
    expect(calls).toBe(1);
  });

  it("waits at least a 429's Retry-After", async () => {
    const waits: number[] = [];
    let calls = 0;
    const limited = async () => {
      if (calls++ === 0) throw new SyncError("rate_limited", "slow down", 429, {}, 5000);
      return "ok";
    };
    expect(await withRetry(limited, policy, async (ms) => void waits.push(ms))).toBe("ok");
    expect(waits).toEqual([5000]);
  });

  it("computes the backoff from the policy", () => {
    expect(backoffDelay(policy, 0, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(200);
    expect(backoffDelay(policy, 5, () => 1)).toBe(350);
  });
});
