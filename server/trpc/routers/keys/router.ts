// Service keys of the team's backend: admins only, for reading too (a key's streams and scopes
// map what the backend may touch). The key itself is returned once, by create; the domain
// functions audit creation and revocation.
import { listServiceKeysForConsole } from "../../../keys/console-list";
import { createServiceKey, revokeServiceKey } from "../../../keys/service-keys";
import { adminProcedure, router } from "../../init";
import { ZKeyCreate, ZKeyRef } from "./schema";

const actorOf = (staff: { id: string }) => ({ type: "staff" as const, id: staff.id });

export const keysRouter = router({
  list: adminProcedure.query(({ ctx }) => listServiceKeysForConsole(ctx.db)),
  create: adminProcedure.input(ZKeyCreate).mutation(({ ctx, input }) => createServiceKey(ctx.db, actorOf(ctx.staff), input)),
  revoke: adminProcedure.input(ZKeyRef).mutation(({ ctx, input }) => revokeServiceKey(ctx.db, actorOf(ctx.staff), input.name)),
});
