// Convergence under faults (issue 7): 3 to 8 SDK devices of one or two users, sharing an org
// stream, make random creates, updates and deletes while offline, sync alone or several at once
// over a network that drops requests, loses answers after the server handled them and sends
// requests twice; apps restart, conflicts get resolved, streams get compacted. Then the network
// heals and every device syncs to quiescence. The property (test/convergence/world.ts `check`):
//   - every device equals the server: key, version and checksum of every live record;
//   - no acknowledged edit is lost: each `ok` the server answered is in the change log as sent;
//   - nothing is applied twice: every pushed change was acknowledged to a device, no edit's data
//     was written twice, and no edit came back as a conflict with itself.
// Seeded: FC_SEED=<seed> (or "random") and FC_RUNS=<n> replay or extend a run; `npm run soak`.
import { describe } from "vitest";
import { convergenceTest } from "./property";

describe("convergence of SDK devices under faults", () => {
  convergenceTest("mixed", { seed: 20_261_122, runs: 100, maxActions: 16 });
});
