/** Azure Blob allows at most 50,000 committed blocks per blob. */
export const MAX_BLOCKS = 50_000;

export interface PlannedBlock {
  index: number;
  /** Base64 block id; every id of a blob must have the same length, hence the zero padding. */
  id: string;
  start: number;
  end: number;
}

export function blockId(index: number): string {
  return btoa(`block-${String(index).padStart(6, "0")}`);
}

export function planBlocks(sizeBytes: number, blockSizeBytes: number): PlannedBlock[] {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)
    throw new RangeError(`sizeBytes must be a positive integer, got ${sizeBytes}`);
  if (!Number.isSafeInteger(blockSizeBytes) || blockSizeBytes <= 0)
    throw new RangeError(`blockSizeBytes must be a positive integer, got ${blockSizeBytes}`);
  const count = Math.ceil(sizeBytes / blockSizeBytes);
  if (count > MAX_BLOCKS)
    throw new RangeError(`${count} blocks exceed the ${MAX_BLOCKS}-block limit of a blob`);
  return Array.from({ length: count }, (_, index) => ({
    index,
    id: blockId(index),
    start: index * blockSizeBytes,
    end: Math.min(sizeBytes, (index + 1) * blockSizeBytes),
  }));
}

function withQuery(sasUrl: string, params: Record<string, string>): string {
  const url = new URL(sasUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Put Block: `<sas>&comp=block&blockid=<id>`. */
export const putBlockUrl = (sasUrl: string, id: string): string =>
  withQuery(sasUrl, { comp: "block", blockid: id });

/** Put Block List: `<sas>&comp=blocklist`. */
export const putBlockListUrl = (sasUrl: string): string => withQuery(sasUrl, { comp: "blocklist" });

export function blockListXml(blocks: readonly PlannedBlock[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><BlockList>${blocks.map((b) => `<Latest>${b.id}</Latest>`).join("")}</BlockList>`;
}
