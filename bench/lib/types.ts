import type pg from "pg";
import type { RunningServer } from "./server";
import type { Summary } from "./stats";

export type Config = {
  quick: boolean;
  push: { devices: number; bundles: number; items: number; rounds: number };
  webhooks: { devices: number; bundles: number; items: number; rounds: number; receiverDelayMs: number };
  pull: { history: number; devices: number; limit: number; rounds: number };
  bootstrap: { sizes: number[]; limit: number; rounds: number };
  history: { small: number; large: number; pulls: number; rounds: number };
  peer: { clients: number; bundles: number; items: number; rounds: number };
  console: { small: number; large: number; calls: number; rounds: number };
  records: { small: number; large: number; calls: number; rounds: number };
  uploads: { bytes: number; chunk: number };
  /** Live connections: how many, opened by how many client processes; single- and shared-stream pushes. */
  live: { connections: number; processes: number; single: number; shared: number };
};

export type Ctx = {
  cfg: Config;
  root: string;
  server: RunningServer;
  databaseUrl: string;
  /** Raw `pg` pool for the limits: as many connections as the server's Prisma pool (10). */
  rawPool: pg.Pool;
  /** Raw `pg` pool for seeding and bookkeeping. */
  admin: pg.Pool;
  progress(message: string): void;
};

export type Target = { op: ">=" | "<=" | "<"; value: number; on?: "ratio" | "value" };

export type Row = {
  id: string;
  name: string;
  unit: string;
  value: Summary | null;
  reference?: Summary | null;
  referenceLabel?: string;
  /** How the ratio is formed, e.g. "HTTP / raw". */
  ratioLabel?: string;
  ratio: Summary | null;
  target: Target | null;
  notes?: string;
  /** "breakdown": an informational stage timing, shown in its own table. */
  section?: "breakdown";
  /** Set when the measure could not be taken: why. */
  skipped?: string;
  extra?: Record<string, number | string>;
};
