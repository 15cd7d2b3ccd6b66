import { describe, expect, it } from "vitest";
import { compactionPolicy } from "./policy";

const DAY_MS = 86_400_000;
const base = { COMPACTION_RETENTION_DAYS: 30, COMPACTION_MAX_CHANGES_PER_STREAM: 100 };

describe("compactionPolicy", () => {
  it("holds devices for the retention window when no hold cap is set", () => {
    expect(compactionPolicy({ ...base, COMPACTION_MAX_DEVICE_HOLD_DAYS: undefined })).toEqual({
      retentionMs: 30 * DAY_MS, maxChangesPerStream: 100, holdMs: 30 * DAY_MS, batchSize: 10_000,
    });
  });

  it("shortens the hold to the cap, and never lengthens it past the window", () => {
    expect(compactionPolicy({ ...base, COMPACTION_MAX_DEVICE_HOLD_DAYS: 7 }).holdMs).toBe(7 * DAY_MS);
    expect(compactionPolicy({ ...base, COMPACTION_MAX_DEVICE_HOLD_DAYS: 90 }).holdMs).toBe(30 * DAY_MS);
  });
});
