// The Expo example is typechecked, not run (issue 20): its own compiler settings, @syncdesk/client
// from the repository's sources, and the declarations in ci/ for what it uses of expo-sqlite and
// react-native (tsconfig.ci.json says why). A change to the client that breaks the app fails here.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { loadConfigFile } from "../../server/types/load-config";
import { generateTypesModule } from "../../server/types/types-module";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");

it("compiles the Expo example against the client", async () => {
  const tsc = path.join(root, "node_modules/typescript/bin/tsc");
  const result = await run(process.execPath, [tsc, "-p", "examples/expo/tsconfig.ci.json", "--pretty", "false"], { cwd: root }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "" }),
  );
  expect(result.stdout).toBe("");
  expect(result.code).toBe(0);
}, 120_000);

it("holds the types `npm run types:generate` writes for its config", async () => {
  const types = await loadConfigFile(path.join(root, "examples/visit.config.json"));
  const committed = readFileSync(path.join(root, "examples/expo/src/syncdesk-types.ts"), "utf8");
  expect(committed).toBe(generateTypesModule(types, "examples/visit.config.json"));
});
