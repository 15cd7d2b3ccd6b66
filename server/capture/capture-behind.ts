// The one retryable refusal of table capture (docs/tables.md "How it works"): a Syncdesk write
// whose rows have an outside write in capture_log that the sequencer has not taken yet decided on
// a mirror that was behind. The commit-time flush raises it as a PostgreSQL error with this
// message; write-table.ts throws it directly. commit-bundle.ts sequences the log and reruns.

/**
 * A Syncdesk write met an outside write of its rows that the sequencer has not taken yet (as the
 * commit-time flush raises it: serialization_failure); commit-bundle.ts sequences and reruns it.
 */
export class CaptureBehind extends Error {
  readonly code = "40001";
  constructor() {
    super("syncdesk capture: an outside write to these rows is not sequenced yet");
  }
}

/** Whether `error` is CaptureBehind, or the flush's own (a PostgreSQL error with its message). */
export const isCaptureBehind = (error: unknown): boolean =>
  error instanceof Error && "code" in error && error.code === "40001" && error.message.startsWith("syncdesk capture:");
