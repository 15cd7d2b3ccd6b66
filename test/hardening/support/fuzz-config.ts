// How much to fuzz: a fixed seed in CI (FC_SEED=<n> to replay, FC_SEED=random to explore) and a
// request budget per test file, scaled with FUZZ_SCALE for longer local runs.
import fc from "fast-check";

const DEFAULT_SEED = 20_261_122;

export function fuzzSeed(): number {
  const given = process.env.FC_SEED;
  if (given === "random") return Math.floor(Math.random() * 2 ** 31);
  return given ? Number(given) : DEFAULT_SEED;
}

export function fuzzBudget(requests: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? "1");
  return Math.max(1, Math.round(requests * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** fc.assert parameters that print the seed and path to replay a failure. */
export function fuzzParameters(seed: number, numRuns: number): fc.Parameters<unknown> {
  return { seed, numRuns, endOnFailure: true, verbose: 1 };
}
