import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, parseDuration } from "../src/render/format.js";
import { renderTable } from "../src/render/table.js";
import { LineProgress, createProgress } from "../src/upload/progress.js";

describe("plain progress lines (no terminal)", () => {
  it("writes one line per tenth with bytes, rate and ETA, and a last line at 100 %", () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (c: Buffer) => lines.push(...c.toString().split("\n").filter(Boolean)));
    let now = 0;
    const p = new LineProgress(100 * 1024 * 1024, out, { now: () => now });
    for (let i = 0; i < 100; i++) {
      now += 100;
      p.add(1024 * 1024);
    }
    p.stop();
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("uploading 10% 10.0 MiB/100 MiB 10.0 MiB/s ETA 9s");
    expect(lines.at(-1)).toBe("uploading 100% 100 MiB/100 MiB 10.0 MiB/s ETA 0 ms");
  });

  it("takes back a failed attempt's bytes without printing a line twice", () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on("data", (c: Buffer) => lines.push(...c.toString().split("\n").filter(Boolean)));
    const p = new LineProgress(100, out, { now: () => 1 });
    p.add(50);
    p.add(-50);
    p.add(50);
    expect(lines.filter((l) => l.startsWith("uploading 50%"))).toHaveLength(1);
  });

  it("picks plain lines when stdout is not a terminal", () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    expect(createProgress(10, { stdout: { isTTY: false }, stderr })).toBeInstanceOf(LineProgress);
  });
});

describe("formatting", () => {
  it("formats bytes and durations", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatDuration(250)).toBe("250 ms");
    expect(formatDuration(125_000)).toBe("2m05s");
  });

  it("parses durations", () => {
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(() => parseDuration("0s")).toThrow(/longer than zero/);
    expect(() => parseDuration("soon")).toThrow(/not a duration/);
  });

  it("aligns table columns and cuts long cells", () => {
    expect(
      renderTable(
        ["A", "BB"],
        [
          ["xxx", "y".repeat(60)],
          ["z", "w"],
        ],
        10,
      ),
    ).toBe(["A    BB", `xxx  ${"y".repeat(9)}…`, "z    w"].join("\n"));
  });
});
