// Authenticates the team's backend by its service key (server/keys): no key or a revoked one is
// 401 ("who are you"), a key without the route's scope 403 ("not allowed"). Streams are checked
// by each route against what it reads or writes.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { findServiceCaller, type Scope, type ServiceCaller } from "../keys/service-keys";
import { bearerToken } from "./device-auth";

export async function authenticateService(request: Request, db: Db, scope: Scope): Promise<ServiceCaller> {
  const presented = bearerToken(request.headers.get("authorization"), "<service key>");
  const caller = await findServiceCaller(db, presented);
  if (!caller) throw new AppError("unauthorized", "The service key is unknown or revoked");
  if (!caller.scopes.includes(scope)) throw new AppError("forbidden", `The service key ${caller.name} lacks the ${scope} scope`);
  return caller;
}
