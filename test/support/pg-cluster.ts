// Throwaway PostgreSQL clusters for the disaster-recovery drills (test/ops/*-drill): initdb in a
// temporary directory, started by pg_ctl on a free port, with the real tools an operator uses
// (pg_basebackup, WAL archiving, recovery, promotion). PostgreSQL refuses to run as root, so as
// root (CI) every server-side tool runs as the `postgres` OS user, which owns the directories.
import { execFile, execFileSync } from "node:child_process";
import {
  appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const exec = promisify(execFile);
/** PG_BIN (.ci/run sets it), else the newest Debian-packaged server, else what pg_config says. */
function findBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => existsSync(`${debian}/${v}/bin/initdb`)) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  return newest ? `${debian}/${newest}/bin` : execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
}
const BIN = findBin();
const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool, as the postgres OS user when we are root. */
export async function pgTool(tool: string, args: string[]): Promise<string> {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(BIN, tool), ...args]] : [path.join(BIN, tool), args];
  try {
    return (await exec(cmd, argv, { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
  }
}

/** A directory the cluster's user may write, removed by `removeScratch`. */
export function makeScratch(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export function ownedDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  return dir;
}

let ids: { uid: number; gid: number } | null = null;
function postgresIds(): { uid: number; gid: number } {
  if (ids) return ids;
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l: string) => l.startsWith("postgres:"));
  const [, , uid, gid] = (line ?? "").split(":");
  if (!uid || !gid) throw new Error("no postgres OS user to run PostgreSQL as (root cannot)");
  ids = { uid: Number(uid), gid: Number(gid) };
  return ids;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type Cluster = { dir: string; port: number; url(db?: string): string; sql<T = Record<string, unknown>>(text: string, db?: string): Promise<T[]> };

export function clusterAt(dir: string, port: number): Cluster {
  const url = (db = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  return {
    dir, port, url,
    async sql<T>(text: string, db?: string): Promise<T[]> {
      const client = new pg.Client({ connectionString: url(db) });
      client.on("error", () => {});
      await client.connect();
      try {
        return (await client.query(text)).rows as T[];
      } finally {
        await client.end();
      }
    },
  };
}

/** A new cluster with `conf` lines appended to postgresql.conf (not started). */
export async function initCluster(dir: string, conf: string[]): Promise<void> {
  ownedDir(dir);
  await pgTool("initdb", ["-D", dir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  appendFileSync(dir + "/postgresql.conf", conf.map((l) => `${l}\n`).join(""));
  if (asRoot) chownSync(dir + "/postgresql.conf", postgresIds().uid, postgresIds().gid);
}

/** Adds lines to a data directory's postgresql.conf (or postgresql.auto.conf, which wins over it). */
export function appendConf(dir: string, lines: string[], file = "postgresql.conf"): void {
  appendFileSync(`${dir}/${file}`, lines.map((l) => `${l}\n`).join(""));
}

export function touchOwned(file: string): void {
  writeFileSync(file, "");
  if (asRoot) chownSync(file, postgresIds().uid, postgresIds().gid);
}

/** Starts a data directory on `port`, listening on 127.0.0.1 only, its socket in the directory. */
export async function startCluster(dir: string, port: number): Promise<Cluster> {
  await pgTool("pg_ctl", ["-D", dir, "-l", `${dir}/server.log`, "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"]);
  return clusterAt(dir, port);
}

export async function stopCluster(dir: string, mode: "fast" | "immediate" = "fast"): Promise<void> {
  await pgTool("pg_ctl", ["-D", dir, "-m", mode, "-w", "stop"]).catch(() => undefined);
}

/** Polls `check` until it holds (or throws after `ms`). */
export async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
