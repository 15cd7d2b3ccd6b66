// The error tables of docs/protocol.md, rendered from the code tables (server/errors.ts) between
// marker comments. `npm run docs:errors` writes them; errors-markdown.test.ts fails when the
// document and the tables differ, so a code cannot be added, dropped or reworded on one side only.
import { ERROR_CODES, ITEM_ERROR_CODES } from "./errors";

export const GENERATED_TABLES = {
  "request-errors": () => [
    "| status | code | when |",
    "| --- | --- | --- |",
    ...Object.entries(ERROR_CODES).map(([code, spec]) => `| ${spec.status} | \`${code}\` | ${spec.description} |`),
  ],
  "item-errors": () => [
    "| code | when |",
    "| --- | --- |",
    ...Object.entries(ITEM_ERROR_CODES).map(([code, spec]) => `| \`${code}\` | ${spec.description} |`),
  ],
} as const;

export type GeneratedTable = keyof typeof GENERATED_TABLES;

const begin = (name: string) => `<!-- generated from server/errors.ts by npm run docs:errors: ${name} -->`;
const end = (name: string) => `<!-- end of ${name} -->`;

/** The lines between a table's markers, or null when the document lacks them. */
export function readGeneratedTable(doc: string, name: GeneratedTable): string[] | null {
  const lines = doc.split("\n");
  const from = lines.indexOf(begin(name));
  const to = lines.indexOf(end(name), from + 1);
  return from < 0 || to < 0 ? null : lines.slice(from + 1, to);
}

/** The document with every generated table rewritten from the code tables. */
export function renderGeneratedTables(doc: string): string {
  let lines = doc.split("\n");
  for (const [name, render] of Object.entries(GENERATED_TABLES)) {
    const from = lines.indexOf(begin(name));
    const to = lines.indexOf(end(name), from + 1);
    if (from < 0 || to < 0) throw new Error(`docs/protocol.md lacks the markers of ${name}: ${begin(name)} ... ${end(name)}`);
    lines = [...lines.slice(0, from + 1), ...render(), ...lines.slice(to)];
  }
  return lines.join("\n");
}
