// A chunk PUT's body as the bytes arrive. Served beside Next (beside-next.ts) the request's Node
// stream is read directly: through Next, each 64 KiB piece of an 8 MiB chunk also passes two web
// streams (Next's bridge of the request body and the Request's own), which cost the chunk PUT
// more CPU than its disk write (bench/profiles/2026-12-05-uploads.md).
import { iterateStream } from "../storage/blob-store";

const nodeBodies = new WeakMap<Request, AsyncIterable<Uint8Array>>();

/** Gives `request` (made without a body) the bytes of `source`, the request's Node stream. */
export function withNodeBody(request: Request, source: AsyncIterable<Uint8Array>): Request {
  nodeBodies.set(request, source);
  return request;
}

/** The body of `request`: its Node stream when it has one, else its web stream. */
export function chunkBodyOf(request: Request): AsyncIterable<Uint8Array> {
  return nodeBodies.get(request) ?? iterateStream(request.body);
}
