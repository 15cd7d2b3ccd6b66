// Live-update connections served beside Next (server/http/beside-next.ts). Next keeps a request's
// whole pipeline alive while its response streams (its request and work stores, an incremental
// cache, a dozen suspended frames): about 75 KB of heap per open connection in a snapshot with
// 2,000 open, so 10,000 connections took 1.7 GiB (bench, "Live"). A live connection lasts hours,
// so `GET /api/v1/sync/events` goes straight to its route handler (events-handler.ts) and its
// frames are written to the socket here.
import http from "node:http";
import { routeHeaders, webRequestOf, type BesideNextRoute } from "../http/beside-next";
import { liveConnectionOf } from "./connection";
import { eventsHandler } from "./events-handler";

const PATH = "/api/v1/sync/events";

/** Whether a request is a live connection this path serves: a GET of exactly the events path. */
export function isLiveRequest(method: string | undefined, url: string | undefined): boolean {
  return method === "GET" && url !== undefined && (url === PATH || url.startsWith(`${PATH}?`));
}

/** Writes `response` to `res`, waiting for the socket when it is full; stops when the client goes. */
async function writeResponse(response: Response, res: http.ServerResponse, production: boolean): Promise<void> {
  res.writeHead(response.status, { ...routeHeaders(production), ...Object.fromEntries(response.headers) });
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const live = liveConnectionOf(response.body);
  if (live) {
    // What was enqueued is queued (nobody else reads): take it, then write straight to the socket,
    // before another turn of the event loop can enqueue more. No stream between the connection
    // and its socket: a poke to 10,000 connections is 10,000 writes, not 10,000 stream reads.
    for (let n = live.enqueued; n > 0; n--) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.on("drain", () => live.pulled());
    live.redirect({
      enqueue: (chunk) => void res.write(chunk),
      get desiredSize() {
        return res.writableNeedDrain || res.destroyed ? 0 : 1;
      },
      close: () => void res.end(),
    });
    return;
  }
  res.once("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await new Promise((resolve) => (res.once("drain", resolve), res.once("close", resolve)));
  }
  res.end();
}

/** Serves a live connection; false (nothing done) when its request does not make a web Request. */
export function serveLive(req: http.IncomingMessage, res: http.ServerResponse, production: boolean): boolean {
  const abort = new AbortController();
  let request: Request;
  try {
    request = webRequestOf(req, "GET", abort.signal);
  } catch {
    return false; // Next answers it, as any malformed request
  }
  res.once("close", () => abort.abort());
  eventsHandler(request).then((response) => writeResponse(response, res, production)).catch(() => res.destroy());
  return true;
}

/** The live route beside Next: GET of exactly the events path. */
export const liveRoute: BesideNextRoute = (req, res, production) => isLiveRequest(req.method, req.url) && serveLive(req, res, production);
