import type { Construct } from "constructs";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment/index.js";

export interface RoleGrant {
  /** Construct id, stable across runs: it becomes the Terraform address. */
  id: string;
  principalId: string;
  role: string;
  /** A resource, container or queue ID; never a subscription or resource group. */
  scope: string;
  description: string;
}

/**
 * Azure RBAC role assignment for a managed identity. `skipServicePrincipalAadCheck` avoids the
 * replication race right after a new identity is created (its principal is not yet visible to
 * the RBAC service); it is only set for principals these stacks create.
 */
export function grantRole(scope: Construct, grant: RoleGrant, newPrincipal = true): RoleAssignment {
  return new RoleAssignment(scope, grant.id, {
    principalId: grant.principalId,
    roleDefinitionName: grant.role,
    scope: grant.scope,
    principalType: newPrincipal ? "ServicePrincipal" : undefined,
    skipServicePrincipalAadCheck: newPrincipal ? true : undefined,
    description: grant.description,
  });
}

/** Resource ID of one blob container, so a role can be scoped to it rather than to the account. */
export const blobContainerScope = (storageAccountId: string, container: string): string =>
  `${storageAccountId}/blobServices/default/containers/${container}`;
