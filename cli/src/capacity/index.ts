// The capacity model for other workspaces (the local-stack validation in bench/).
export * from "./hpa.js";
export * from "./simulate.js";
export * from "./trace.js";
