import { DefaultAzureCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";

let shared: TokenCredential | undefined;

/**
 * One DefaultAzureCredential per process: managed identity in the Function App, workload
 * identity on AKS, a developer's az login elsewhere. Shared so its token cache is shared.
 */
export function azureCredential(): TokenCredential {
  shared ??= new DefaultAzureCredential();
  return shared;
}
