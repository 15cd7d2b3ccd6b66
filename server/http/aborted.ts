// A client that goes away mid-body (a closed app, a lost network) is not a server failure: the
// body's read fails with `Error: aborted`, which used to answer 500 and log at error level
// (issue 19). It answers 400, which nobody reads, and observe.ts logs it as an aborted request.
import { AppError } from "../errors";

const aborted = new WeakSet<Request>();

/** The error for `request`'s body cut off by its client; marks the request for the log line. */
export function bodyAborted(request: Request): AppError {
  aborted.add(request);
  return new AppError("invalid_request", "The request body ended early: the client closed the connection");
}

export const wasAborted = (request: Request): boolean => aborted.has(request);
