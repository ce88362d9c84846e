import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: true },
  server: {
    // `npm run dev -w pwa` against a running `npm start` (the functions host on 7071 by default).
    proxy: { "/api": process.env.DOCSIFT_API_URL ?? "http://127.0.0.1:7071" },
  },
  plugins: [
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      // main.ts registers /sw.js itself: no extra registration script.
      injectRegister: false,
      injectManifest: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        rollupFormat: "iife",
      },
      manifest: {
        id: "/",
        name: "docsift",
        short_name: "docsift",
        description: "Upload invoices, receipts and purchase orders; docsift extracts their key fields.",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "any",
        lang: "en",
        theme_color: "#0b4f8a",
        background_color: "#f3f5f8",
        categories: ["business", "productivity"],
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
