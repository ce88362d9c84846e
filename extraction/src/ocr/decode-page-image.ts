import { DocsiftError } from "@docsift/core";
import sharp from "sharp";

/** The page as the detector takes it: RGBA, white-padded on the right and bottom to multiples of 32. */
export interface PageBitmap {
  rgba: Buffer;
  /** Padded size, multiples of 32. */
  width: number;
  height: number;
  /** The page itself inside the padding (after any downscale): normalised coordinates divide by these. */
  pageWidth: number;
  pageHeight: number;
  format: "png" | "jpeg" | "tiff";
  /** Pages in the file; only the first is read. */
  pagesInFile: number;
  /** pageWidth / the image's own (oriented) width: below 1 when the image was downscaled. */
  scale: number;
}

export interface DecodeOptions {
  /** Larger pages are downscaled to this many pixels, keeping the aspect ratio. */
  maxPixels: number;
  /** Larger images are refused before decoding (decompression bombs). */
  maxInputPixels: number;
}

const SUPPORTED_FORMATS = new Set(["png", "jpeg", "tiff"]);
// PP-OCR's detector downsamples by 32; padding here (instead of the library's stretch) keeps the
// page's pixel grid, so detected boxes map back without a resampling error.
const DETECTOR_STRIDE = 32;
const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };

/**
 * Decodes a PNG, JPEG or TIFF (first page; EXIF orientation applied; transparency on white) into
 * the detector's input, bounding its size by `maxPixels`.
 */
export async function decodePageImage(image: Buffer, opts: DecodeOptions): Promise<PageBitmap> {
  if (image.length === 0) throw new DocsiftError("EMPTY_DOCUMENT", "The page image is empty (0 bytes).");
  let meta: sharp.Metadata;
  try {
    meta = await sharp(image).metadata();
  } catch (err) {
    throw new DocsiftError("CORRUPT_DOCUMENT", undefined, { cause: err, details: { reason: describe(err) } });
  }
  if (!meta.format || !SUPPORTED_FORMATS.has(meta.format)) {
    throw new DocsiftError("UNSUPPORTED_DOCUMENT", undefined, {
      details: { format: meta.format ?? "unknown" },
    });
  }
  const format = meta.format as PageBitmap["format"];
  if (!meta.width || !meta.height) {
    throw new DocsiftError("CORRUPT_DOCUMENT", undefined, { details: { reason: "image has no dimensions" } });
  }
  if (meta.width * meta.height > opts.maxInputPixels) {
    throw new DocsiftError("DOCUMENT_TOO_LARGE", "The page image has more pixels than can be processed.", {
      details: { width: meta.width, height: meta.height, maxInputPixels: opts.maxInputPixels },
    });
  }
  // EXIF orientations 5–8 turn the image a quarter, swapping its sides.
  const swapped = (meta.orientation ?? 1) >= 5;
  const width = swapped ? meta.height : meta.width;
  const height = swapped ? meta.width : meta.height;
  const scale = Math.min(1, Math.sqrt(opts.maxPixels / (width * height)));
  const pageWidth = Math.max(1, Math.floor(width * scale));
  const pageHeight = Math.max(1, Math.floor(height * scale));

  try {
    const { data, info } = await sharp(image, {
      page: 0,
      failOn: "error",
      limitInputPixels: opts.maxInputPixels,
    })
      .rotate()
      .resize({ width: pageWidth, height: pageHeight, fit: "fill" })
      .flatten({ background: WHITE })
      .toColourspace("srgb")
      .extend({
        right: padTo(pageWidth) - pageWidth,
        bottom: padTo(pageHeight) - pageHeight,
        background: WHITE,
      })
      .ensureAlpha(1)
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected 4 channels after decoding, got ${info.channels}`);
    return {
      rgba: data,
      width: info.width,
      height: info.height,
      pageWidth,
      pageHeight,
      format,
      pagesInFile: meta.pages ?? 1,
      scale: pageWidth / width,
    };
  } catch (err) {
    throw new DocsiftError("CORRUPT_DOCUMENT", undefined, {
      cause: err,
      details: { format, reason: describe(err) },
    });
  }
}

const padTo = (n: number): number =>
  Math.max(DETECTOR_STRIDE, Math.ceil(n / DETECTOR_STRIDE) * DETECTOR_STRIDE);

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
