const toNumber = (ip: string): number =>
  ip.split(".").reduce((acc, octet) => {
    const n = Number(octet);
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new Error(`invalid IPv4 address ${ip}`);
    return acc * 256 + n;
  }, 0);

const toAddress = (n: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/**
 * The `index`-th block of size /`prefixLength` inside `space` (an IPv4 CIDR), so subnets derive from
 * the configured address space and cannot overlap: blocks of one size never do, and callers give
 * different sizes distinct indexes whose ranges they have checked (0 of /24, 1 of /22).
 */
export function subnetPrefix(space: string, index: number, prefixLength: number): string {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(space);
  if (!match) throw new Error(`invalid CIDR ${space}`);
  const base = toNumber(match[1]!);
  const spaceLength = Number(match[2]);
  if (prefixLength < spaceLength || prefixLength > 32) {
    throw new Error(`a /${prefixLength} does not fit in ${space}`);
  }
  const spaceSize = 2 ** (32 - spaceLength);
  if (base % spaceSize !== 0) throw new Error(`${space} is not aligned to its prefix length`);
  const blockSize = 2 ** (32 - prefixLength);
  const start = base + index * blockSize;
  if (!Number.isInteger(index) || index < 0 || start + blockSize > base + spaceSize) {
    throw new Error(`block ${index} of /${prefixLength} lies outside ${space}`);
  }
  return `${toAddress(start)}/${prefixLength}`;
}
