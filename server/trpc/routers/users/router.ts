// Users (the people devices sync for): anyone may look.
import { readFrom } from "../../../db/read-db";
import { getUserOrThrow } from "../../../users/get";
import { listUsers } from "../../../users/list";
import { router, viewerProcedure } from "../../init";
import { ZUserList, ZUserRef } from "./schema";

export const usersRouter = router({
  list: viewerProcedure.input(ZUserList).query(({ ctx, input: { cursor, limit, ...filters } }) => readFrom(ctx.db, (db) => listUsers(db, filters, { cursor, limit }))),
  get: viewerProcedure.input(ZUserRef).query(({ ctx, input }) => getUserOrThrow(ctx.db, input.userId)),
});
