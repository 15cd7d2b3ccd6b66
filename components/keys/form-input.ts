// What the service-key form sends, and where the server's refusals go. No React here.
import type { Scope } from "@/server/keys/service-keys";

export const SCOPE_OPTIONS = [
  { value: "read", hint: "read records and the change feed" },
  { value: "write", hint: "write through the server push" },
  { value: "admin", hint: "manage webhooks" },
] as const;

export const isScope = (value: string): value is Scope => SCOPE_OPTIONS.some((o) => o.value === value);

export type KeyField = "name" | "scopes" | "streams";

/** Patterns as an admin types them: one per line or comma separated, blanks dropped. */
export function parseStreams(text: string): string[] {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

/** The first message per form field; `streams.2` (one bad pattern) belongs to the streams field. */
export function fieldErrorsOf(fields: { field: string; message: string }[]): Partial<Record<KeyField, string>> {
  const out: Partial<Record<KeyField, string>> = {};
  for (const { field, message } of fields) {
    const [top, index] = field.split(".");
    if (top !== "name" && top !== "scopes" && top !== "streams") continue;
    out[top] ??= index !== undefined && top === "streams" ? `${message} (pattern ${Number(index) + 1})` : message;
  }
  return out;
}
