import type { ItemErrorCode } from "../errors";
import type { DataIssue } from "../types/resource-type";

/** A per-item failure of a push: reported in that item's result, never as a batch-wide error. */
export class ItemError extends Error {
  constructor(
    readonly code: ItemErrorCode,
    message: string,
    /** The failing fields of `invalid_data` and guard errors, as `details.fields` on the wire. */
    readonly fields?: DataIssue[],
  ) {
    super(message);
  }
}
