// Writes the app's types as TypeScript (npm run types:generate [-- --out PATH] [--config PATH]):
// one declaration per type of the config the server would load, and the `SyncdeskTypes` map.
// docs/generated-types.md shows how an app uses the module.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError } from "../server/types/compile-types";
import { configPath, loadConfigFile } from "../server/types/load-config";
import { generateTypesModule } from "../server/types/types-module";

// Only the config's path is read from the environment: server/env.ts would demand (or write) the
// server's secrets, which generating types does not need.
const { SYNCDESK_CONFIG } = z.object({ SYNCDESK_CONFIG: z.string().trim().min(1).optional() }).parse(process.env);
const { values } = parseArgs({
  options: { out: { type: "string", default: "generated/syncdesk-types.ts" }, config: { type: "string" } },
});

const config = configPath(values.config ?? SYNCDESK_CONFIG);
const out = path.resolve(process.cwd(), values.out);
try {
  const types = await loadConfigFile(config);
  const source = path.relative(process.cwd(), config) || config;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, generateTypesModule(types, source));
  console.log(`${path.relative(process.cwd(), out)}: ${types.length} type${types.length === 1 ? "" : "s"} from ${source}`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
