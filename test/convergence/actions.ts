// The random cases of the convergence property: how many devices and users, how lossy the
// network is, and a sequence of actions (offline edits, syncs alone or at once, app restarts,
// conflict resolutions, compactions, also while devices sync; server restarts, after a given
// number of requests of devices syncing at once). Indices are taken modulo what exists when the
// action runs.
import fc from "fast-check";

export const TYPES = ["memo", "noot", "meter", "submission"] as const;
export type TypeName = (typeof TYPES)[number];

export type Action =
  | { kind: "create"; device: number; type: TypeName; shared: boolean; id: number }
  | { kind: "update"; device: number; pick: number; field: boolean }
  | { kind: "delete"; device: number; pick: number }
  | { kind: "sync"; device: number }
  | { kind: "syncMany"; devices: number[]; compact: number | null }
  | { kind: "restart"; device: number }
  | { kind: "resolve"; device: number; pick: number; keep: "server" | "local" | "merged" }
  | { kind: "compact"; stream: number }
  | { kind: "serverRestart"; devices: number[]; after: number };

export type Case = { devices: number; users: number; rate: number; faultSeed: number; actions: Action[] };

export type Weights = Partial<Record<Action["kind"], number>>;

const DEFAULT_WEIGHTS: Required<Weights> = {
  create: 4, update: 8, delete: 2, sync: 6, syncMany: 2, restart: 1, resolve: 2, compact: 1, serverRestart: 1,
};

export function caseArbitrary(options: { maxActions: number; weights?: Weights }): fc.Arbitrary<Case> {
  const w = { ...DEFAULT_WEIGHTS, ...options.weights };
  const device = fc.nat({ max: 7 });
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: w.create, arbitrary: fc.record({ kind: fc.constant("create" as const), device, type: fc.constantFrom(...TYPES), shared: fc.boolean(), id: fc.oneof(fc.constant(0), fc.nat({ max: 3 })) }) },
    { weight: w.update, arbitrary: fc.record({ kind: fc.constant("update" as const), device, pick: fc.nat(), field: fc.boolean() }) },
    { weight: w.delete, arbitrary: fc.record({ kind: fc.constant("delete" as const), device, pick: fc.nat() }) },
    { weight: w.sync, arbitrary: fc.record({ kind: fc.constant("sync" as const), device }) },
    { weight: w.syncMany, arbitrary: fc.record({ kind: fc.constant("syncMany" as const), devices: fc.uniqueArray(device, { minLength: 2, maxLength: 4 }), compact: fc.option(fc.nat({ max: 2 }), { freq: 3 }) }) },
    { weight: w.restart, arbitrary: fc.record({ kind: fc.constant("restart" as const), device }) },
    { weight: w.resolve, arbitrary: fc.record({ kind: fc.constant("resolve" as const), device, pick: fc.nat(), keep: fc.constantFrom("server" as const, "local" as const, "merged" as const) }) },
    { weight: w.compact, arbitrary: fc.record({ kind: fc.constant("compact" as const), stream: fc.nat({ max: 2 }) }) },
    { weight: w.serverRestart, arbitrary: fc.record({ kind: fc.constant("serverRestart" as const), devices: fc.uniqueArray(device, { maxLength: 4 }), after: fc.nat({ max: 8 }) }) },
  );
  return fc.record({
    devices: fc.integer({ min: 3, max: 8 }),
    users: fc.integer({ min: 1, max: 2 }),
    rate: fc.constantFrom(0, 0.15, 0.3),
    faultSeed: fc.integer(),
    actions: fc.array(action, { minLength: 4, maxLength: options.maxActions }),
  });
}

/** The seed and run count of this process: FC_SEED / FC_RUNS, else the given defaults. */
export function runSettings(defaultSeed: number, defaultRuns: number): { seed: number; runs: number } {
  const seedEnv = process.env.FC_SEED;
  const seed = seedEnv === "random" ? Math.floor(Math.random() * 2 ** 31) : seedEnv ? Number(seedEnv) : defaultSeed;
  const runs = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : defaultRuns;
  if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) throw new Error("FC_SEED and FC_RUNS must be integers");
  return { seed, runs };
}
