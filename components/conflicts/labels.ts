// Words and URL values shared by the conflict pages.

export const AGE_FILTERS = [
  { value: "lt24h", label: "Opened in the last 24 h", input: { newerThanHours: 24 } },
  { value: "lt7d", label: "Opened in the last 7 days", input: { newerThanHours: 24 * 7 } },
  { value: "gt1h", label: "Older than 1 hour", input: { olderThanHours: 1 } },
  { value: "gt24h", label: "Older than 24 hours", input: { olderThanHours: 24 } },
  { value: "gt7d", label: "Older than 7 days", input: { olderThanHours: 24 * 7 } },
] as const;

/** The list input an `age` URL value stands for (nothing for an unknown value). */
export function ageInput(age: string): { newerThanHours?: number; olderThanHours?: number } {
  return AGE_FILTERS.find((a) => a.value === age)?.input ?? {};
}

const RESOLUTIONS: Record<string, string> = {
  accept_server: "Accepted server",
  accept_client: "Accepted client",
  manual_merge: "Manual merge",
};

export function resolutionLabel(resolution: string | null): string {
  return resolution ? (RESOLUTIONS[resolution] ?? resolution) : "resolved";
}
