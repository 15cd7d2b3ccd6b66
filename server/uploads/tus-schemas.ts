// Wire facts of the tus endpoint for its route definitions (server/http/routes/tus.ts): tus answers
// carry their results in headers, never in a JSON body (errors excepted: the envelope).
import { z } from "zod";

/** A tus success has no body. */
export const ZTusNoBody = z.null();
