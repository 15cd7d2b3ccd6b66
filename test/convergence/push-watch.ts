// Watches a device's pushes below the SDK: a push that got no answer (dropped, lost, refused by a
// server that was down, cut by a restart) must be sent again as the same bytes (same bundle_id,
// same items) before anything else is pushed, or the server could apply its edits twice. Also
// lets the world count requests, to restart the server after a given number of them.
import type { FetchLike } from "@syncdesk/client";

const PUSH = "/api/v1/sync/push";

export type PushWatch = {
  fetch: FetchLike;
  /** Pushes sent again after one without an answer. */
  resent: number;
  /** Pushes that followed an unanswered push with other bytes: each one is a broken guarantee. */
  mismatches: string[];
};

export function watchPushes(inner: FetchLike, onRequest: () => void): PushWatch {
  let unanswered: string | null = null;
  const watch: PushWatch = {
    resent: 0,
    mismatches: [],
    fetch: async (input, init) => {
      onRequest();
      const push = input.endsWith(PUSH) && typeof init.body === "string" ? init.body : null;
      if (push !== null && unanswered !== null) {
        if (push === unanswered) watch.resent++;
        else watch.mismatches.push(`sent ${push.slice(0, 80)}… after unanswered ${unanswered.slice(0, 80)}…`);
      }
      try {
        const response = await inner(input, init);
        if (push !== null) unanswered = null;
        return response;
      } catch (error) {
        if (push !== null) unanswered = push;
        throw error;
      }
    },
  };
  return watch;
}
