// The local stack's dev auth mode reads the caller from the header App Service Easy Auth sets in
// Azure; the encoder is core's, the same one the Function App's tests use.
export { PRINCIPAL_HEADER, encodePrincipal } from "@docsift/core";
