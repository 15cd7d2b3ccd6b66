// A device's stored conflicts: list and resolve.
import * as S from "@syncdesk/protocol";
import { defineRoute } from "../route-definition";
import { BODY, DEVICE_IN_HEADER, QUERY } from "./common";

export const listConflictsRoute = defineRoute({
  id: "listConflicts", method: "get", path: "/api/v1/conflicts", tag: "conflicts", auth: DEVICE_IN_HEADER,
  summary: "The caller's conflicts, newest first",
  description: "Paged with `next_cursor`.",
  query: S.ZConflictListQuery, response: S.ZConflictPage, errors: QUERY,
});

export const resolveConflictRoute = defineRoute({
  id: "resolveConflict", method: "post", path: "/api/v1/conflicts/{id}/resolve", tag: "conflicts", auth: DEVICE_IN_HEADER,
  summary: "Resolve a stored conflict",
  description: "`data` (the full record data) is required for `manual_merge`.",
  body: S.ZResolveRequest, response: S.ZResolveResponse, errors: [...BODY, "not_found", "conflict"],
});
