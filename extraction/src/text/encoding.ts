import chardet from "chardet";

export interface TextEncodingGuess {
  /** A WHATWG encoding label that `TextDecoder` accepts. */
  encoding: string;
  /** Bytes of byte-order mark to skip. */
  bomLength: number;
}

const BOMS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be" },
];

/** Control bytes that do not occur in text (tab, LF, FF, CR and ESC for ISO-2022 are allowed). */
const isBinaryControl = (b: number): boolean =>
  b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b;

/** Above this share of control bytes a NUL-free sample is still binary, not text. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * Decides whether a sample from the start of a file is text and in which encoding: a BOM wins;
 * then valid UTF-8 (a sequence cut at the end of the sample is fine); then chardet, whose
 * answer must be an encoding `TextDecoder` supports. Returns undefined for binary data.
 */
export function detectTextEncoding(sample: Uint8Array): TextEncodingGuess | undefined {
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => sample[i] === b))
      return { encoding: bom.encoding, bomLength: bom.bytes.length };
  }
  let controls = 0;
  for (const b of sample) {
    if (b === 0) return undefined;
    if (isBinaryControl(b)) controls++;
  }
  if (controls > sample.length * MAX_CONTROL_SHARE) return undefined;
  if (isUtf8(sample)) return { encoding: "utf-8", bomLength: 0 };
  const detected = chardet.detect(sample);
  const encoding = detected === null ? undefined : toDecoderLabel(detected);
  return encoding === undefined ? undefined : { encoding, bomLength: 0 };
}

function isUtf8(sample: Uint8Array): boolean {
  // Drop a multi-byte sequence cut off by the end of the sample before validating.
  let end = sample.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = sample[end - back] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** chardet names → a label TextDecoder knows, or undefined (e.g. UTF-32, which WHATWG dropped). */
function toDecoderLabel(name: string): string | undefined {
  const label = name.toLowerCase() === "iso-8859-1" ? "windows-1252" : name.toLowerCase();
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}
