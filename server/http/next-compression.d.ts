// Next's bundled copy of the `compression` middleware (expressjs/compression), which `next start`
// applies to every answer (next/dist/server/lib/router-server.js). It ships without types.
declare module "next/dist/compiled/compression" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export default function compression(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}
