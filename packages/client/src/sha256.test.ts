import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Sha256 } from "./sha256";

const node = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("Sha256", () => {
  it("matches the standard's examples and node:crypto around the block and padding boundaries", () => {
    expect(new Sha256().hex()).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(new Sha256().update(new TextEncoder().encode("abc")).hex()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 100_003]) {
      const data = randomBytes(n);
      expect(new Sha256().update(data).hex(), `length ${n}`).toBe(node(data));
    }
  });

  it("gives the same digest however the input is cut into chunks (subarrays of larger buffers too)", () => {
    const data = randomBytes(10_000);
    for (const cut of [1, 7, 63, 64, 65, 333, 4096]) {
      const hash = new Sha256();
      for (let i = 0; i < data.length; i += cut) hash.update(data.subarray(i, i + cut));
      expect(hash.hex(), `chunks of ${cut}`).toBe(node(data));
    }
  });
});
