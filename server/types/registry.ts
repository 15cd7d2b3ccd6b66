// The resource types of this process: the app's (from its config, installed at start by
// loadTypes) and the server's built-in ones. Kept per process (process-singleton.ts), since Next
// evaluates this module once per bundle chunk.
import { env } from "../env";
import { processSingleton } from "../process-singleton";
import { BUILT_IN_TYPES } from "./built-in-types";
import { configPath, loadConfigFile } from "./load-config";
import type { ResourceType } from "./resource-type";

type Registry = { types: Map<string, ResourceType>; file: string };

declare module "../process-singleton" {
  interface ProcessSingletons { resourceTypes: { current: Registry | undefined } }
}

const box = () => processSingleton("resourceTypes", () => ({ current: undefined }));

/** Loads the config (SYNCDESK_CONFIG or the default file) and makes its types the process's. */
export async function loadTypes(file = configPath(env().SYNCDESK_CONFIG)): Promise<ResourceType[]> {
  const types = await loadConfigFile(file);
  installTypes(types, file);
  return types;
}

/** Makes `types` (plus the built-in ones) the process's types. */
export function installTypes(types: readonly ResourceType[], file: string): void {
  const map = new Map<string, ResourceType>(Object.entries(BUILT_IN_TYPES));
  for (const type of types) map.set(type.name, type);
  box().current = { types: map, file };
}

function registry(): Registry {
  const current = box().current;
  if (!current) throw new Error("The resource types are not loaded: call loadTypes() at start");
  return current;
}

export function getResourceType(name: string): ResourceType | undefined {
  return registry().types.get(name);
}

/** Every type, the app's in config order, then the built-in ones. */
export function listTypes(): ResourceType[] {
  return [...registry().types.values()].sort((a, b) => Number(a.builtIn) - Number(b.builtIn));
}

/** The config file the types came from (for the console's Schema page and start-up messages). */
export function typesFile(): string {
  return registry().file;
}

/** The versions of the given types (all when `filter` is null), as carried in tokens. */
export function typeVersions(filter: readonly string[] | null): Record<string, number> {
  const names = filter ?? [...registry().types.keys()];
  return Object.fromEntries(names.flatMap((n) => {
    const type = getResourceType(n);
    return type ? [[n, type.version]] : [];
  }));
}
