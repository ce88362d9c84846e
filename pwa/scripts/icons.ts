// Renders the app icons from one SVG (npm run icons -w pwa); the PNGs are committed so a build
// needs no image library. Maskable icons keep the mark inside the 80 % safe zone.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "../public/icons");

const mark = (color: string) => `
  <path d="M34 22h32l14 14v42a4 4 0 0 1-4 4H34a4 4 0 0 1-4-4V26a4 4 0 0 1 4-4z" fill="${color}"/>
  <path d="M66 22v14h14" fill="none" stroke="#0b4f8a" stroke-width="3" stroke-linejoin="round" opacity="${color === "#ffffff" ? 1 : 0}"/>
  <g stroke="#0b4f8a" stroke-width="4" stroke-linecap="round" opacity="${color === "#ffffff" ? 1 : 0}">
    <line x1="40" y1="46" x2="66" y2="46"/><line x1="40" y1="56" x2="60" y2="56"/><line x1="40" y1="66" x2="54" y2="66"/>
  </g>`;

/** `scale` shrinks the mark toward the centre (maskable icons are cropped to a circle or squircle). */
const icon = (opts: { background: boolean; rounded: boolean; scale: number; color?: string }) => `
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  ${opts.background ? `<rect width="100" height="100" rx="${opts.rounded ? 20 : 0}" fill="#0b4f8a"/>` : ""}
  <g transform="translate(50 52) scale(${opts.scale}) translate(-55 -52)">${mark(opts.color ?? "#ffffff")}</g>
</svg>`;

await mkdir(out, { recursive: true });
const render = (svg: string, size: number, file: string) =>
  sharp(Buffer.from(svg))
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(path.join(out, file));

const regular = icon({ background: true, rounded: true, scale: 1 });
await writeFile(path.join(out, "favicon.svg"), regular.trim() + "\n");
await render(regular, 192, "icon-192.png");
await render(regular, 512, "icon-512.png");
await render(icon({ background: true, rounded: false, scale: 0.8 }), 512, "maskable-512.png");
await render(icon({ background: true, rounded: false, scale: 0.9 }), 180, "apple-touch-icon-180.png");
// Badges are drawn by the system as a monochrome mask: white on transparent.
await render(
  icon({ background: false, rounded: false, scale: 1, color: "#ffffff" }).replace(
    /opacity="1"/g,
    'opacity="0"',
  ),
  96,
  "badge-96.png",
);
console.log(`icons written to ${out}`);
