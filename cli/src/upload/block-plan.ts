// Azure Blob block rules: every block id of a blob has the same length before base64 encoding,
// at most 50,000 blocks, at most 4,000 MiB per block.
export const MAX_BLOCKS = 50_000;
export const MAX_BLOCK_BYTES = 4000 * 1024 * 1024;

export interface PlannedBlock {
  index: number;
  /** Base64 block id, as Put Block and Put Block List want it. */
  id: string;
  offset: number;
  length: number;
}

export const blockId = (index: number): string =>
  Buffer.from(`block-${String(index).padStart(6, "0")}`).toString("base64");

/** Cuts a file of `sizeBytes` into blocks of `blockSizeBytes` (the last one shorter). */
export function planBlocks(sizeBytes: number, blockSizeBytes: number): PlannedBlock[] {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)
    throw new RangeError(`sizeBytes must be a positive integer, got ${sizeBytes}`);
  if (!Number.isSafeInteger(blockSizeBytes) || blockSizeBytes <= 0 || blockSizeBytes > MAX_BLOCK_BYTES)
    throw new RangeError(`blockSizeBytes must be an integer in 1..${MAX_BLOCK_BYTES}, got ${blockSizeBytes}`);
  const count = Math.ceil(sizeBytes / blockSizeBytes);
  if (count > MAX_BLOCKS)
    throw new RangeError(
      `${sizeBytes} bytes in blocks of ${blockSizeBytes} would need ${count} blocks; Azure allows ${MAX_BLOCKS}`,
    );
  return Array.from({ length: count }, (_, index) => {
    const offset = index * blockSizeBytes;
    return { index, id: blockId(index), offset, length: Math.min(blockSizeBytes, sizeBytes - offset) };
  });
}

/** The body of Put Block List: commit exactly these blocks, in this order. */
export const blockListXml = (blocks: readonly PlannedBlock[]): string =>
  `<?xml version="1.0" encoding="utf-8"?><BlockList>${blocks.map((b) => `<Latest>${b.id}</Latest>`).join("")}</BlockList>`;

/** The SAS URL with the operation's own query parameters appended, the signature untouched. */
export function blobOperationUrl(sasUrl: string, params: Record<string, string>): string {
  const extra = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return `${sasUrl}${sasUrl.includes("?") ? "&" : "?"}${extra}`;
}
