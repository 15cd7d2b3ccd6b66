// tRPC for the console: one init, procedures by role. "Not logged in" is UNAUTHORIZED (401),
// "not allowed" FORBIDDEN (403). Everything here and in the routers throws AppError; mapErrors
// is the one place it becomes a tRPC error, through the code table (server/errors.ts).
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import type { Db } from "../db/client";
import { AppError, ERROR_CODES } from "../errors";
import { findUnstorableJson } from "../http/storable-json";
import { logger } from "../log";
import type { StaffIdentity } from "../staff/accounts";
import { hasRole, type Role } from "../staff/roles";

export type TrpcContext = { db: Db; staff: StaffIdentity | null };

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause instanceof AppError ? error.cause : null;
    // An unexpected failure's message may quote SQL, file paths or driver errors: log it, never send it.
    const message = error.code === "INTERNAL_SERVER_ERROR" && !cause ? "Internal error" : shape.message;
    // A refused input names each bad field, as the mobile routes' `details.fields` do, so a form
    // can show every message beside its own field.
    const fields = error.cause instanceof z.ZodError ? error.cause.issues.map((i) => ({ field: i.path.join("."), message: i.message })) : null;
    const details = cause?.details ?? (fields ? { fields } : null);
    return { ...shape, message, data: { ...shape.data, stack: undefined, appCode: cause?.code ?? null, details } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

function toTrpcError(error: AppError): TRPCError {
  return new TRPCError({ code: ERROR_CODES[error.code].trpc, message: error.message, cause: error });
}

/** Domain errors become tRPC errors with the same meaning; anything else is a logged 500. */
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) throw toTrpcError(cause);
    if (result.error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: cause ?? result.error, path }, "console procedure failed");
  }
  return result;
});

/** Text PostgreSQL cannot store or compare (NUL, unpaired surrogates) in any input is a 400, as on
 *  the mobile routes, never a 500 from inside a query. */
const refuseUnstorableInput = t.middleware(async ({ next, getRawInput }) => {
  const problem = findUnstorableJson(await getRawInput());
  if (problem) throw new AppError("invalid_request", `The input cannot be used: ${problem.field} ${problem.message}`);
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(refuseUnstorableInput);

function withRole(required: Role) {
  return publicProcedure.use(({ ctx, next }) => {
    if (!ctx.staff) throw new AppError("unauthorized", "Log in first");
    if (!hasRole(ctx.staff.role, required)) throw new AppError("forbidden", `This needs the ${required} role`);
    return next({ ctx: { ...ctx, staff: ctx.staff } });
  });
}

export const viewerProcedure = withRole("viewer");
export const supportProcedure = withRole("support");
export const operatorProcedure = withRole("operator");
export const adminProcedure = withRole("admin");
