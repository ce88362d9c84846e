export * from "./names.js";
export * from "./errors.js";
export * from "./document-text.js";
export * from "./contracts/result.js";
