// The team's backend API (INTEGRATION.md section 2), authenticated by service keys.
import * as S from "../../sync/server-schemas";
import { defineRoute } from "../route-definition";
import { SERVICE_QUERY } from "./common";

export const serverRecordsRoute = defineRoute({
  id: "serverRecords", method: "get", path: "/api/v1/server/records", tag: "server",
  auth: { kind: "service", scope: "read" },
  summary: "The current records (service key, scope read)",
  description: "Live records of the key's streams in key order (stream, type, id), filtered by `stream`, `type` and `id`, paged by `cursor`. A `stream` outside the key's patterns is 403.",
  query: S.ZServerRecordsQuery, response: S.ZServerRecordsResponse,
  errors: SERVICE_QUERY,
});
