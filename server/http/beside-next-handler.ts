// A route built by the route builder (route.ts `handlerOf`), served beside Next: its method and
// path are read from its definition, its request body is handed over as the Request's web stream
// fed from the Node request, and its answer is written as Next writes it (beside-next-answer.ts).
import type http from "node:http";
import { webRequestOf, type BesideNextRoute } from "./beside-next";
import { writeAnswer } from "./beside-next-answer";
import { definitionOf, type RouteHandler } from "./route";

/**
 * The body of `req` as a web stream, read only as its reader asks (the socket's back-pressure
 * reaches the client). A reader that stops (an over-limit body: read-json.ts) leaves the socket
 * open, so the refusal still reaches the client; a broken connection errors the stream, which
 * read-json.ts answers as an aborted body.
 */
export function nodeBodyStream(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Started on the first read: a body never read (a refused token) is drained by Node.
        chunks ??= req.iterator({ destroyOnReturn: false });
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await chunks?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The path and method `handler` answers (exactly that path, with any query); throws for a path with parameters. */
function endpointOf(handler: RouteHandler): { method: string; path: string } {
  const definition = definitionOf(handler);
  if (!definition || definition.path.includes("{")) throw new Error("Only a handler of a route builder's fixed path can be served beside Next");
  return { method: definition.method.toUpperCase(), path: definition.path };
}

/** `handler` beside Next, for the requests Next would route to it. */
export function handlerRoute(handler: RouteHandler): BesideNextRoute {
  const { method, path } = endpointOf(handler);
  const withBody = method !== "GET";
  return (req, res, production) => {
    const url = req.url;
    if (req.method !== method || url === undefined || !(url === path || url.startsWith(`${path}?`))) return false;
    const abort = new AbortController();
    let request: Request;
    try {
      request = webRequestOf(req, method, abort.signal, withBody ? nodeBodyStream(req) : undefined);
    } catch {
      return false; // Next answers it, as any malformed request
    }
    // Only a client gone before the whole answer was written aborts: an abort builds a DOMException
    // and runs the Request's signal listeners, ~0.1 ms of every request's CPU (a CPU profile,
    // bench/profiles/2026-12-07-pull.md), for a handler that has long finished.
    res.once("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    handler(request).then((response) => writeAnswer(req, res, response, production)).catch(() => res.destroy());
    return true;
  };
}
