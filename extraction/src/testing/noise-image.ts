import { randomFillSync } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

/**
 * A valid RGB PNG of random pixels: it cannot be compressed, like a scanned page, so
 * `width * height * 3` bytes of image make a file that large. Stored deflate keeps it fast.
 */
export function noisePng(width: number, height: number): Buffer {
  const rowBytes = width * 3 + 1;
  const raw = Buffer.allocUnsafe(rowBytes * height);
  randomFillSync(raw);
  for (let row = 0; row < height; row++) raw[row * rowBytes] = 0; // filter type "none"
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 0 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0, 0);
  return Buffer.concat([length, typed, crc]);
}

/**
 * A JPEG of random pixels (about 2.5 bytes per pixel at quality 92: noise does not compress).
 * pdfkit embeds JPEG bytes as they are, so PDFs get their images without a PNG decoder.
 */
export async function noiseJpeg(width: number, height: number, quality = 92): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  const raw = Buffer.allocUnsafe(width * height * 3);
  randomFillSync(raw);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}
