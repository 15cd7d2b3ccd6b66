// A stand-in for `next start`'s HTTP server: requests `serve` takes are answered beside Next
// (server/http/beside-next.ts); anything else gets 418 where Next would answer.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type BesideServer = { url: string; close(): Promise<void> };

export async function startBesideServer(serve: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<BesideServer> {
  const server = createServer((req, res) => {
    if (!serve(req, res)) res.writeHead(418).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
