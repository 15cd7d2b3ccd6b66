// Verify and repair: what a device must fix to match the server (docs/protocol.md "Verify").
import * as S from "@syncdesk/protocol";
import { defineRoute } from "../route-definition";
import { BODY, DEVICE_IN_BODY, DEVICE_IN_HEADER, QUERY } from "./common";

export const verifyRoute = defineRoute({
  id: "verify", method: "post", path: "/api/v1/sync/verify", tag: "verify", auth: DEVICE_IN_BODY,
  summary: "What the device must fix to match the server, one key range per page",
  description: "Send your records' checksums in key order (at most `limit`); the answer covers keys up to `until`. See docs/protocol.md \"Verify\".",
  body: S.ZVerifyRequest, response: S.ZVerifyResponse, errors: BODY,
});

export const checksumsRoute = defineRoute({
  id: "checksums", method: "get", path: "/api/v1/sync/checksums", tag: "verify", auth: DEVICE_IN_HEADER,
  summary: "Checksums of every live record, keyset-paged in key order",
  description: "`types` is a comma-separated list.",
  query: S.ZChecksumsQuery, response: S.ZChecksumsResponse, errors: QUERY,
});

export const fetchRoute = defineRoute({
  id: "fetch", method: "post", path: "/api/v1/sync/fetch", tag: "verify", auth: DEVICE_IN_HEADER,
  summary: "Current records by key",
  description: "At most 500 keys. Deleted, unknown and foreign keys are all `missing`.",
  body: S.ZFetchRequest, response: S.ZFetchResponse, errors: BODY,
});

export const digestRoute = defineRoute({
  id: "digest", method: "get", path: "/api/v1/sync/digest", tag: "verify", auth: DEVICE_IN_HEADER,
  summary: "The state digest, total and per stream",
  description: "XOR of sha256(stream\\ntype\\nid\\nchecksum) over live records: compare with your own.",
  query: S.ZDigestQuery, response: S.ZDigestResponse, errors: QUERY,
});
