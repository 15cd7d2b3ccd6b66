// The convergence property (see convergence.integration.test.ts) with the disruptive actions
// weighted up: app restarts between and during sync rounds, server restarts (HTTP stopped, the
// database closed and opened again on the same data) while devices push and pull, compactions
// that force devices to bootstrap again with unpushed edits, and conflict resolutions racing
// other devices' edits.
import { describe } from "vitest";
import { convergenceTest } from "./property";

describe("convergence through restarts, compactions and resolutions", () => {
  convergenceTest("disruptive", {
    seed: 7_000_007,
    runs: 100,
    maxActions: 16,
    weights: { restart: 3, compact: 3, resolve: 3, syncMany: 3, serverRestart: 3 },
  });
});
