import { ERRORS } from "@tus/utils";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { codeForTusStatus, tusErrorAnswer, tusStatusOf } from "./tus-errors";

process.env.LOG_LEVEL ??= "silent"; // the 503 case logs the failure; env() is read on first log

const envelope = (answer: { body: string }) => JSON.parse(answer.body) as { error: { code: string; message: string } };

describe("tus error answers", () => {
  it("keep tus statuses and give every body the envelope", () => {
    expect(tusErrorAnswer(ERRORS.INVALID_OFFSET)).toMatchObject({ status_code: 409 });
    expect(envelope(tusErrorAnswer(ERRORS.INVALID_OFFSET)).error.code).toBe("conflict");
    expect(envelope(tusErrorAnswer(ERRORS.FILE_NO_LONGER_EXISTS)).error.code).toBe("not_found");
    expect(tusErrorAnswer(ERRORS.ERR_MAX_SIZE_EXCEEDED).status_code).toBe(413);
    expect(tusErrorAnswer(ERRORS.UNSUPPORTED_CONCATENATION_EXTENSION)).toMatchObject({ status_code: 501 });
    // A checksum is tus's 460 (the code table's tusStatus), not the 422 of the other upload routes.
    expect(tusErrorAnswer(new AppError("checksum_mismatch", "no match"))).toEqual({
      status_code: 460, body: JSON.stringify({ error: { code: "checksum_mismatch", message: "no match" } }),
    });
    expect(tusStatusOf("checksum_mismatch")).toBe(460);
    expect(tusErrorAnswer(new AppError("device_revoked", "revoked")).status_code).toBe(403);
    expect(tusErrorAnswer(new AppError("rate_limited", "slow down")).status_code).toBe(429);
  });

  it("answer a busy upload 423 and never 500: unknown failures are a bare 503", () => {
    expect(tusErrorAnswer(ERRORS.ERR_LOCK_TIMEOUT)).toMatchObject({ status_code: 423 });
    expect(envelope(tusErrorAnswer(ERRORS.ERR_LOCK_TIMEOUT)).error.code).toBe("conflict");
    for (const failure of [new Error("ECONNREFUSED 10.0.0.3:9000 secret-bucket"), ERRORS.UNKNOWN_ERROR, ERRORS.FILE_WRITE_ERROR]) {
      const answer = tusErrorAnswer(failure);
      expect(answer.status_code).toBe(503);
      expect(answer.body).not.toContain("secret-bucket");
      expect(envelope(answer).error.code).toBe("unavailable");
    }
    expect(codeForTusStatus(412)).toBe("invalid_request");
  });
});
