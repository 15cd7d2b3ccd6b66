// The convergence property as a vitest test: a server per file (restartable, on data that outlives
// its restarts), fast-check cases run one after another against it (each case has users and
// streams of its own), totals printed at the end.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { caseArbitrary, runSettings, type Weights } from "./actions";
import { startRestartableServer, type RestartableServer } from "./restartable-server";
import { emptyTotals } from "./data";
import { World } from "./world";

export function convergenceTest(name: string, options: { seed: number; runs: number; maxActions: number; weights?: Weights }): void {
  let server: RestartableServer;
  beforeAll(async () => {
    server = await startRestartableServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const { seed, runs } = runSettings(options.seed, options.runs);
  it(`${name}: holds for ${runs} random cases (seed ${seed})`, async () => {
    const tag = `${name}: seed=${seed} runs=${runs} engine=${process.env.TEST_DB_ENGINE}`;
    console.log(`[convergence] ${tag} (replay: FC_SEED=${seed} FC_RUNS=${runs}; FC_SHRINK=1 to shrink a failure)`);
    const totals = emptyTotals();
    await fc.assert(
      fc.asyncProperty(caseArbitrary(options), async (c) => {
        const world = await World.create(server, c, "conv", totals);
        try {
          for (const action of c.actions) await world.run(action);
          await world.quiesce();
          await world.check((ok, message) => expect(ok, message).toBe(true));
        } finally {
          await world.close();
        }
      }),
      // Shrinking replays many cases against a real server: opt-in, the seed already reproduces.
      { seed, numRuns: runs, endOnFailure: process.env.FC_SHRINK !== "1" },
    );
    console.log(`[convergence] ${tag} ${JSON.stringify(totals)} server down ${server.restartMs} ms in ${server.restarts} restarts`);
    expect(totals.cases).toBe(runs);
  }, runs * 10_000 + 60_000);
}
