import { describe, expect, it } from "vitest";
import { formatBytes } from "../src/format-bytes.js";

describe("formatBytes", () => {
  it("shows sizes in binary units named as such, so the 100 MiB cap reads exactly", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5.5 * 1024 * 1024)).toBe("5.5 MiB");
    expect(formatBytes(104_857_600)).toBe("100 MiB");
    expect(formatBytes(104_857_601)).toBe("100 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
  });

  it("rounds to whole units from 100 of them, and never shows 1024 of one unit", () => {
    expect(formatBytes(99.94 * 1024)).toBe("99.9 KiB");
    expect(formatBytes(99.96 * 1024)).toBe("100 KiB");
    expect(formatBytes(1024 * 1024 - 1)).toBe("1.0 MiB");
    expect(formatBytes(1023 * 1024)).toBe("1023 KiB");
    expect(formatBytes(1024 * 1024)).toBe("1.0 MiB");
    expect(formatBytes(Number.NaN)).toBe("?");
  });
});
