// Words and URL values shared by the device pages.
const HOUR = 3600_000;

export const SEEN_WINDOWS = [
  { value: "1h", label: "Seen in the last hour", since: HOUR },
  { value: "24h", label: "Seen in the last 24 h", since: 24 * HOUR },
  { value: "7d", label: "Seen in the last 7 days", since: 7 * 24 * HOUR },
  { value: "30d", label: "Seen in the last 30 days", since: 30 * 24 * HOUR },
  { value: "stale7d", label: "Not seen for 7 days", before: 7 * 24 * HOUR },
  { value: "stale30d", label: "Not seen for 30 days", before: 30 * 24 * HOUR },
] as const;

/** The list input a `seen` URL value stands for, relative to `now` (nothing for an unknown value). */
export function seenInput(seen: string, now: number): { seenSince?: Date; seenBefore?: Date } {
  const window = SEEN_WINDOWS.find((w) => w.value === seen);
  if (!window) return {};
  return "since" in window ? { seenSince: new Date(now - window.since) } : { seenBefore: new Date(now - window.before) };
}

export const REVOKED_OPTIONS = [
  { value: "active", label: "Active" },
  { value: "revoked", label: "Revoked" },
] as const;

export function revokedInput(value: string): { revoked?: boolean } {
  if (value === "revoked") return { revoked: true };
  if (value === "active") return { revoked: false };
  return {};
}

export const HISTORY_OPTIONS = [
  { value: "diverged", label: "Diverged (restore or failover)" },
  { value: "unhealed", label: "Diverged, not healed" },
] as const;

export function historyInput(value: string): { history?: "diverged" | "unhealed" } {
  return value === "diverged" || value === "unhealed" ? { history: value } : {};
}
