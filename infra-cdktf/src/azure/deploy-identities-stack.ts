import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider/index.js";
import { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription/index.js";
import { DataAzurermStorageAccount } from "@cdktf/provider-azurerm/lib/data-azurerm-storage-account/index.js";
import { DataAzurermRoleDefinition } from "@cdktf/provider-azurerm/lib/data-azurerm-role-definition/index.js";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group/index.js";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity/index.js";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential/index.js";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition/index.js";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment/index.js";
import type { EnvironmentConfig } from "../config.js";
import {
  DEPLOY_ROLES,
  FEDERATED_AUDIENCE,
  GITHUB_OIDC_ISSUER,
  ROLES,
  azureNames,
  githubEnvironmentSubject,
} from "./naming.js";
import { blobContainerScope } from "./role-grants.js";
import { configureAzureBackend } from "./azure-stack.js";

const BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
const ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments";

/**
 * ABAC condition: blob reads (not listing), writes and deletes only on state blobs whose name
 * starts with `prefix`, so one environment's identities never read another environment's state
 * (it holds connection strings and keys) from the shared container.
 */
export function stateBlobCondition(prefix: string, write: boolean): string {
  const gated = [`!(ActionMatches{'${BLOB}/read'} AND NOT SubOperationMatches{'Blob.List'})`];
  if (write) {
    gated.push(
      `!(ActionMatches{'${BLOB}/write'})`,
      `!(ActionMatches{'${BLOB}/add/action'})`,
      `!(ActionMatches{'${BLOB}/delete'})`,
    );
  }
  return `((${gated.join(" AND ")}) OR (@Resource[${BLOB}:path] StringStartsWith '${prefix}'))`;
}

/**
 * ABAC condition for Role Based Access Control Administrator: the apply identity may create and
 * delete role assignments of these role definitions (GUIDs) only, the ones the Azure stack grants.
 * Without it, the identity could grant itself or anyone Owner.
 */
export function delegableRolesCondition(roleDefinitionGuids: string[]): string {
  const set = `{${roleDefinitionGuids.join(", ")}}`;
  return [
    `((!(ActionMatches{'${ROLE_ASSIGNMENTS}/write'})) OR (@Request[${ROLE_ASSIGNMENTS}:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${set}))`,
    `((!(ActionMatches{'${ROLE_ASSIGNMENTS}/delete'})) OR (@Resource[${ROLE_ASSIGNMENTS}:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${set}))`,
  ].join(" AND ");
}

/**
 * The deploy workflow's two identities for one environment, applied once by an owner (README,
 * First-time bootstrap) and never by the pipeline, which cannot raise its own rights:
 * - plan: federated only with the GitHub environment `<env>-plan` (no reviewers); Reader, read
 *   of its own state blobs, and read of the cluster's objects except Secrets. Whatever runs in
 *   the plan job (an npm lifecycle script, a run started by hand from any branch) can read, not
 *   change anything.
 * - apply: federated only with the GitHub environment `<env>` (required reviewers); Contributor,
 *   RBAC Administrator limited to the roles the Azure stack grants, and its own state blobs.
 */
export class DeployIdentitiesStack extends TerraformStack {
  constructor(scope: Construct, id: string, c: EnvironmentConfig) {
    super(scope, id);
    const n = azureNames(c);
    const tags = { app: c.prefix, environment: c.environment, "managed-by": "cdktf", ...c.tags };
    configureAzureBackend(this, c, "bootstrap");
    new AzurermProvider(this, "azurerm", { features: [{}], storageUseAzuread: true });

    const subscription = new DataAzurermSubscription(this, "subscription", {}).id;
    const state = new DataAzurermStorageAccount(this, "state-storage", {
      name: c.stateBackend.storageAccountName,
      resourceGroupName: c.stateBackend.resourceGroupName,
    });
    const stateContainer = blobContainerScope(state.id, c.stateBackend.containerName);
    const ownState = `${c.prefix}-${c.environment}-`;

    const rg = new ResourceGroup(this, "rg", { name: n.deployResourceGroup, location: c.location, tags });
    const identity = (key: string, name: string, githubEnvironment: string) => {
      const uai = new UserAssignedIdentity(this, `${key}-identity`, {
        name,
        resourceGroupName: rg.name,
        location: rg.location,
        tags,
      });
      new FederatedIdentityCredential(this, `${key}-federation`, {
        name: `github-${githubEnvironment}`,
        resourceGroupName: rg.name,
        parentId: uai.id,
        issuer: GITHUB_OIDC_ISSUER,
        subject: githubEnvironmentSubject(c.deploy.githubRepository, githubEnvironment),
        audience: [FEDERATED_AUDIENCE],
      });
      return uai;
    };
    const plan = identity("plan", n.planIdentity, n.githubPlanEnvironment);
    const apply = identity("apply", n.applyIdentity, n.githubApplyEnvironment);

    // The Kubernetes stack's plan reads the worker objects and KEDA's custom resources, which
    // AKS RBAC Reader does not cover (it lists core and apps API groups only).
    const kubernetesReader = new RoleDefinition(this, "kubernetes-reader", {
      name: n.kubernetesReaderRole,
      scope: subscription,
      assignableScopes: [subscription],
      description: "Read every Kubernetes object except Secrets (the deploy workflow's plan job)",
      permissions: [
        {
          actions: [],
          dataActions: ["Microsoft.ContainerService/managedClusters/*/read"],
          notDataActions: ["Microsoft.ContainerService/managedClusters/secrets/read"],
        },
      ],
    });

    // Every role the Azure stack assigns; the apply identity can delegate these and no others.
    const delegable = [...new Set(Object.values(ROLES))].map(
      (name) =>
        new DataAzurermRoleDefinition(this, `delegable-${name.toLowerCase().replace(/\W+/g, "-")}`, {
          name,
          scope: subscription,
        }).roleDefinitionId,
    );

    const grants: {
      id: string;
      principalId: string;
      role?: string;
      roleDefinitionId?: string;
      scope: string;
      condition?: string;
      description: string;
    }[] = [
      {
        id: "plan-reader",
        principalId: plan.principalId,
        role: DEPLOY_ROLES.reader,
        scope: subscription,
        description: "Deploy plan: read resources to diff them",
      },
      {
        id: "plan-state",
        principalId: plan.principalId,
        role: DEPLOY_ROLES.blobDataReader,
        scope: stateContainer,
        condition: stateBlobCondition(ownState, false),
        description: "Deploy plan: read this environment's state (plans run with -lock=false)",
      },
      {
        // kube_config of a cluster with local accounts off: the server and CA, no credentials.
        id: "plan-cluster-user",
        principalId: plan.principalId,
        role: DEPLOY_ROLES.aksClusterUser,
        scope: subscription,
        description: "Deploy plan: fetch the cluster's endpoint for kubelogin",
      },
      {
        id: "plan-kubernetes-reader",
        principalId: plan.principalId,
        roleDefinitionId: kubernetesReader.roleDefinitionResourceId,
        scope: subscription,
        description: "Deploy plan: read Kubernetes objects except Secrets",
      },
      {
        id: "apply-contributor",
        principalId: apply.principalId,
        role: DEPLOY_ROLES.contributor,
        scope: subscription,
        description: "Deploy apply: create and change the environment's resources",
      },
      {
        id: "apply-rbac-administrator",
        principalId: apply.principalId,
        role: DEPLOY_ROLES.rbacAdministrator,
        scope: subscription,
        condition: delegableRolesCondition(delegable),
        description: "Deploy apply: assign the stack's least-privilege roles, and only those",
      },
      {
        id: "apply-state",
        principalId: apply.principalId,
        role: DEPLOY_ROLES.blobDataContributor,
        scope: stateContainer,
        condition: stateBlobCondition(ownState, true),
        description: "Deploy apply: read, lock and write this environment's state",
      },
    ];
    for (const g of grants) {
      new RoleAssignment(this, g.id, {
        principalId: g.principalId,
        roleDefinitionName: g.role,
        roleDefinitionId: g.roleDefinitionId,
        scope: g.scope,
        condition: g.condition,
        conditionVersion: g.condition ? "2.0" : undefined,
        principalType: "ServicePrincipal",
        // A new identity's principal is not visible to the RBAC service right away.
        skipServicePrincipalAadCheck: true,
        description: g.description,
      });
    }

    // Set as GitHub environment variables: AZURE_PLAN_CLIENT_ID on `<env>-plan`,
    // AZURE_APPLY_CLIENT_ID on `<env>`.
    new TerraformOutput(this, "plan_client_id", { value: plan.clientId });
    new TerraformOutput(this, "apply_client_id", { value: apply.clientId });
  }
}
