// Rewrites the error tables of docs/protocol.md from server/errors.ts (npm run docs:errors).
import { readFileSync, writeFileSync } from "node:fs";
import { renderGeneratedTables } from "../server/errors-markdown";

const file = new URL("../docs/protocol.md", import.meta.url);
const before = readFileSync(file, "utf8");
const after = renderGeneratedTables(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? "docs/protocol.md: error tables already current" : "docs/protocol.md: error tables rewritten");
