import type { ItemErrorCode } from "../errors";

/** A per-item failure of a push: reported in that item's result, never as a batch-wide error. */
export class ItemError extends Error {
  constructor(
    readonly code: ItemErrorCode,
    message: string,
  ) {
    super(message);
  }
}
