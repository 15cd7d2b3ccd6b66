// The error side of the OpenAPI document, from the code tables of server/errors.ts: each
// operation's error answers grouped by status, with the envelope schema and one example per code
// it may answer, and the document's description listing every request and item error code.
import { ERROR_CODES, ITEM_ERROR_CODES, type ErrorCode } from "../errors";

type Json = Record<string, unknown>;

/** Any route may fail unexpectedly; the builder answers that with `internal` (a 500 that says nothing internal). */
export const EVERY_ROUTE_ERRORS: readonly ErrorCode[] = ["internal"];

/** The example message of a code: its table description up to the first clause, as a sentence. */
function messageOf(code: ErrorCode): string {
  const clause = ERROR_CODES[code].description.split(/[;:(]|, or /)[0]?.replace(/`/g, "").trim() ?? code;
  return clause.charAt(0).toUpperCase() + clause.slice(1);
}

/** The error answers of an operation, by status: the envelope schema and an example per code. */
export function errorResponses(codes: readonly ErrorCode[], errorSchema: Json): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, ...EVERY_ROUTE_ERRORS])) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `\`${c}\``).join(", "),
        content: {
          "application/json": {
            schema: errorSchema,
            examples: Object.fromEntries(list.map((code) => [code, {
              summary: code,
              description: ERROR_CODES[code].description,
              value: { error: { code, message: messageOf(code) } },
            }])),
          },
        },
      },
    ]),
  );
}

/** A table cell: pipes escaped (the table already escapes some). */
const cell = (text: string) => text.replace(/(?<!\\)\|/g, "\\|");

/** Markdown tables of every request error code (HTTP status) and every push item error code. */
export function errorCodeTables(): string {
  const requests = Object.entries(ERROR_CODES).map(([code, spec]) => `| \`${code}\` | ${spec.status} | ${cell(spec.description)} |`);
  const items = Object.entries(ITEM_ERROR_CODES).map(([code, spec]) => `| \`${code}\` | ${cell(spec.description)} |`);
  return [
    "## Errors",
    "A refused request answers `{ \"error\": { \"code\", \"message\", \"details\"? } }` with the status below; each operation lists the codes it may answer.",
    "",
    "| code | status | when |", "| --- | --- | --- |", ...requests,
    "",
    "## Push item errors",
    "A push answers 200 and reports each failed item in its result (`results[].error.code`), never as the batch's status.",
    "",
    "| code | when |", "| --- | --- |", ...items,
  ].join("\n");
}
