// A service key's stream patterns: `*` is every stream, `org:*` every stream starting `org:`,
// anything else one stream exactly.
export function streamAllowed(patterns: readonly string[], stream: string): boolean {
  return patterns.some((p) => p === "*" || (p.endsWith("*") ? stream.startsWith(p.slice(0, -1)) : stream === p));
}

/** The patterns as SQL LIKE patterns (with `\` escaping the literal parts' `%`, `_` and `\`). */
export function likePatterns(patterns: readonly string[]): string[] {
  const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return patterns.map((p) => (p.endsWith("*") ? `${literal(p.slice(0, -1))}%` : literal(p)));
}
