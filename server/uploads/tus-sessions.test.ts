import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseTusMetadata } from "./tus-sessions";

describe("parseTusMetadata", () => {
  it("reads tus-js-client's and Uppy's keys, and treats empty or unusable types as none", () => {
    expect(parseTusMetadata({ filename: "a.jpg", filetype: "image/jpeg" })).toEqual({ filename: "a.jpg", contentType: "image/jpeg" });
    expect(parseTusMetadata({ name: "b.pdf", type: "application/pdf", relativePath: null })).toEqual({ filename: "b.pdf", contentType: "application/pdf" });
    expect(parseTusMetadata({ filename: "c.bin", filetype: "" })).toEqual({ filename: "c.bin" });
    expect(parseTusMetadata({ filename: "d.bin", filetype: "not a type" })).toEqual({ filename: "d.bin" });
    expect(parseTusMetadata(undefined)).toEqual({ filename: "upload" });
    expect(parseTusMetadata({ sha256: `sha256:${"AB".repeat(32)}` }).sha256).toBe("ab".repeat(32));
    expect(parseTusMetadata({ attach_type: "photo", attach_id: "p1", attach_field: "image", attach_stream: "org:x" }).attach).toEqual({
      type: "photo", id: "p1", field: "image", stream: "org:x",
    });
  });

  it("refuses path tricks in the file name, half an attach, and a malformed sha256", () => {
    const cases: Array<Record<string, string>> = [{ filename: "../etc/passwd" }, { attach_type: "photo", attach_id: "p1" }, { sha256: "abc" }];
    for (const raw of cases) {
      let error: unknown;
      try {
        parseTusMetadata(raw);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(raw)).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "invalid_request" });
    }
  });
});
