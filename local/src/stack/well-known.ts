// The public, documented development keys of Azurite and the Cosmos DB emulator. They protect
// nothing (every developer's emulator accepts them) and are never valid against Azure.
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
export const COSMOS_EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
/** Web PubSub emulator access key: local only, like the keys above. */
export const WEBPUBSUB_LOCAL_KEY = "ZG9jc2lmdC1sb2NhbC13ZWItcHVic3ViLWtleS0wMDAwMDAwMDAwMDA=";

export const azuriteConnectionString = (host: string, port: number): string =>
  `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};`;

export const cosmosConnectionString = (host: string, port: number): string =>
  `AccountEndpoint=https://${host}:${port}/;AccountKey=${COSMOS_EMULATOR_KEY};`;
