// Resource types in tests: every test file starts with the demo app's types (the vitest setup
// file loads syncdesk.config.ts); a test that needs other types installs a config of its own.
import { BUILT_IN_TYPES } from "@/server/types/built-in-types";
import { compileTypes } from "@/server/types/compile-types";
import { configPath, loadConfigFile } from "@/server/types/load-config";
import { installTypes, listTypes, typesFile } from "@/server/types/registry";

/** Loads the default config (the demo types) into this test file's process. */
export async function loadDemoTypes(): Promise<void> {
  const file = configPath(undefined);
  installTypes(await loadConfigFile(file), file);
}

/** Installs the types of `config` (a config object as a JSON file would hold it); returns the undo. */
export function installConfig(config: unknown, name = "test.config.json"): () => void {
  const previous = listTypes().filter((t) => !t.builtIn);
  const file = typesFile();
  installTypes(compileTypes(name, config, Object.keys(BUILT_IN_TYPES)), name);
  return () => installTypes(previous, file);
}
