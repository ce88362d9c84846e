#!/usr/bin/env node
/* global console, process */
// The workspace bin: a committed launcher, so `npx docsift` is linked and executable even
// before the first build; the program itself is compiled to ../dist.
try {
  await import("../dist/main.js");
} catch (err) {
  if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/main.js")) {
    console.error(
      "docsift is not built yet: run `npx tsc -b cli` (or `npm run build`) in the repository root.",
    );
    process.exit(1);
  }
  throw err;
}
