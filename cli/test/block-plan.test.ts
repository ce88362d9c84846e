import { describe, expect, it } from "vitest";
import { MAX_BLOCKS, blobOperationUrl, blockListXml, planBlocks } from "../src/upload/block-plan.js";

const MIB = 1024 * 1024;

describe("block planning", () => {
  it("cuts 100 MiB into 13 blocks of 8 MiB with a shorter last block", () => {
    const blocks = planBlocks(100 * MIB, 8 * MIB);
    expect(blocks).toHaveLength(13);
    expect(blocks.slice(0, 12).every((b) => b.length === 8 * MIB)).toBe(true);
    expect(blocks.at(-1)).toMatchObject({ index: 12, offset: 96 * MIB, length: 4 * MIB });
    expect(blocks.reduce((n, b) => n + b.length, 0)).toBe(100 * MIB);
  });

  it("covers the file exactly, without gaps or overlap", () => {
    for (const [size, block] of [
      [1, 8],
      [8, 8],
      [9, 8],
      [1000, 7],
      [8 * MIB + 1, 8 * MIB],
    ] as const) {
      const blocks = planBlocks(size, block);
      let offset = 0;
      for (const b of blocks) {
        expect(b.offset).toBe(offset);
        expect(b.length).toBeGreaterThan(0);
        expect(b.length).toBeLessThanOrEqual(block);
        offset += b.length;
      }
      expect(offset).toBe(size);
    }
  });

  it("gives unique base64 ids of one length, as Azure requires", () => {
    const ids = planBlocks(20_000, 1).map((b) => b.id);
    expect(new Set(ids).size).toBe(20_000);
    expect(new Set(ids.map((id) => id.length)).size).toBe(1);
    expect(ids.every((id) => /^[A-Za-z0-9+/]+=*$/.test(id))).toBe(true);
    expect(Buffer.from(ids[42]!, "base64").toString()).toBe("block-000042");
  });

  it("refuses sizes Azure would refuse", () => {
    expect(() => planBlocks(0, 8)).toThrow(RangeError);
    expect(() => planBlocks(10, 0)).toThrow(RangeError);
    expect(() => planBlocks(MAX_BLOCKS + 1, 1)).toThrow(/50000/);
  });

  it("lists the blocks in order for Put Block List", () => {
    const blocks = planBlocks(3, 1);
    expect(blockListXml(blocks)).toBe(
      `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${blocks[0]!.id}</Latest><Latest>${blocks[1]!.id}</Latest><Latest>${blocks[2]!.id}</Latest></BlockList>`,
    );
  });

  it("appends operation parameters without touching the SAS signature", () => {
    const sas = "https://a.blob.core.windows.net/uploads/u/j?sv=2021-08-06&sp=cw&sig=ab%2Bcd%2F%3D";
    const url = blobOperationUrl(sas, { comp: "block", blockid: "YmxvY2s+/w==" });
    expect(url).toBe(`${sas}&comp=block&blockid=YmxvY2s%2B%2Fw%3D%3D`);
    expect(new URL(url).searchParams.get("blockid")).toBe("YmxvY2s+/w==");
  });
});
