// The wire shapes the SDK speaks, taken from the server's zod schemas (the single source of
// truth). server/sync/schemas.ts imports nothing but zod, so this pulls no server code along.
export {
  LIMITS,
  ZAckResponse,
  ZBootstrapResponse,
  ZConflictPage,
  ZErrorBody,
  ZPullResponse,
  ZPushResponse,
  ZResolveResponse,
  type TErrorCode,
  type TChange,
  type TConflict,
  type TItemConflict,
  type TItemError,
  type TPushItem,
  type TPushRequest,
  type TPushResponse,
  type TPushResult,
  type TRecord,
} from "../server/sync/schemas";
export {
  ZAppendResponse,
  ZCompleteResponse,
  ZUploadInfo,
  type TAttach,
  type TBlob,
  type TCompleteResponse,
  type TUploadInfo,
} from "../server/uploads/schemas";
