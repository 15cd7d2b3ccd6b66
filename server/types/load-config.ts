// Loads the app's config at start: the file in SYNCDESK_CONFIG, else syncdesk.config.ts at the
// project root. JSON is read as data; TS and MJS are loaded at run time (TS through tsx), never
// bundled, so a changed config takes effect on restart without a rebuild.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUILT_IN_TYPES } from "./built-in-types";
import { ConfigError, compileTypes } from "./compile-types";
import type { ResourceType } from "./resource-type";

export const DEFAULT_CONFIG_FILE = "syncdesk.config.ts";

/** The config file to load: an explicit path (relative to the working directory) or the default. */
export function configPath(explicit: string | undefined): string {
  return path.resolve(process.cwd(), explicit ?? DEFAULT_CONFIG_FILE);
}

/** Reads, validates and compiles a config file; throws ConfigError naming the file and the fault. */
export async function loadConfigFile(file: string): Promise<ResourceType[]> {
  const shown = path.relative(process.cwd(), file) || file;
  const raw = await readConfig(file, shown);
  return compileTypes(shown, raw, Object.keys(BUILT_IN_TYPES));
}

async function readConfig(file: string, shown: string): Promise<unknown> {
  const extension = path.extname(file);
  if (![".json", ".ts", ".mjs"].includes(extension)) {
    throw new ConfigError(`${shown}: a config is a .json, .ts or .mjs file`);
  }
  if (extension === ".json") {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`${shown}: cannot be read (${error.code ?? error.message})`);
    });
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError(`${shown}: is not valid JSON: ${error instanceof Error ? error.message : error}`);
    }
  }
  const url = pathToFileURL(file).href;
  try {
    const loaded: unknown = extension === ".ts" ? await importTs(file, url) : await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url);
    return defaultExport(loaded);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${shown}: cannot be loaded: ${error instanceof Error ? error.message : error}`);
  }
}

// tsx is resolved at run time from node_modules (an external of the server bundle), and registered
// only for the import: while registered it keeps Node's source-map support on, and Node then reads,
// parses and keeps the source map of every module the server loads later (Next's chunks: tens of
// MiB of strings). The config is required through tsx's CommonJS hook, in this thread; only a
// config that needs ESM (top-level await, an ESM-only import) goes through its ESM loader, which on
// Node 20 runs in a worker thread that stays for the life of the process.
async function importTs(file: string, url: string): Promise<unknown> {
  const sourceMaps = process.sourceMapsEnabled;
  try {
    const cjs = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "tsx/cjs/api");
    const requireHook = cjs.register({ namespace: randomUUID() });
    try {
      return requireHook.require(file, url) as unknown;
    } catch (error) {
      if (!needsEsm(error)) throw error;
    } finally {
      requireHook.unregister();
      await stopEsbuild();
    }
    const esm = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "tsx/esm/api");
    const importHook = esm.register({ namespace: randomUUID() });
    try {
      return (await importHook.import(url, url)) as unknown;
    } finally {
      await importHook.unregister();
    }
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}

/** A config CommonJS cannot load: top-level await, or an import of an ESM-only package. */
const needsEsm = (error: unknown) =>
  error instanceof Error && "code" in error && (error.code === "ERR_REQUIRE_ASYNC_MODULE" || error.code === "ERR_REQUIRE_ESM");

/** The config is the module's default export (or its `config` export). */
function defaultExport(module: unknown): unknown {
  if (typeof module !== "object" || module === null) return module;
  const exports = module as Record<string, unknown>;
  return exports.default ?? exports.config;
}

// tsx's CommonJS hook compiles with esbuild's synchronous API, which runs in a worker thread (its
// own V8 heap, ~10 MiB of the server's RSS) that esbuild keeps for the life of the process. The
// server compiles nothing after its config: the worker is stopped (esbuild starts it again if ever
// called). esbuild is tsx's dependency, resolved where tsx was; when it cannot be loaded, nothing
// started it.
async function stopEsbuild(): Promise<void> {
  type Esbuild = { stop?: () => Promise<void>; default?: { stop?: () => Promise<void> } };
  const esbuild = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "esbuild").catch(() => null)) as Esbuild | null;
  await (esbuild?.stop ?? esbuild?.default?.stop)?.();
}
