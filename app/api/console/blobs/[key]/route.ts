import { getCurrentStaff } from "@/server/auth/session";
import { AppError } from "@/server/errors";
import { errorResponse } from "@/server/http/route";
import { getBlobForStaff } from "@/server/uploads/console-download";

export const dynamic = "force-dynamic";

/** A blob for a logged-in staff member: raster images inline (previews), anything else as a download. */
export async function GET(request: Request, context: { params: Promise<{ key: string }> }): Promise<Response> {
  try {
    if (!(await getCurrentStaff())) throw new AppError("unauthorized", "Log in first");
    const { key } = await context.params;
    return await getBlobForStaff(key, request.headers.get("range"));
  } catch (error) {
    return errorResponse(error);
  }
}
