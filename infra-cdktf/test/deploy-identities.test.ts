import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { DeployIdentitiesStack } from "../src/azure/deploy-identities-stack.js";
import { DEPLOY_ROLES, ROLES } from "../src/azure/naming.js";
import { resource, resourcesOf, synthAzure, testConfig, type TerraformJson } from "./helpers.js";

let json: TerraformJson;
beforeAll(() => {
  const stack = new DeployIdentitiesStack(Testing.app(), "bootstrap", testConfig());
  json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
});

const PLAN = "${azurerm_user_assigned_identity.plan-identity.principal_id}";
const APPLY = "${azurerm_user_assigned_identity.apply-identity.principal_id}";
const SUBSCRIPTION = "${data.azurerm_subscription.subscription.id}";
const STATE = "${data.azurerm_storage_account.state-storage.id}/blobServices/default/containers/tfstate";

const assignments = () =>
  resourcesOf(json, "azurerm_role_assignment").map((a) => ({
    principal: a.principal_id,
    role: a.role_definition_name ?? a.role_definition_id,
    scope: a.scope,
    condition: a.condition,
  }));

describe("bootstrap stack: the deploy workflow's identities", () => {
  it("keeps its own state next to the environment's other stacks", () => {
    expect(json.terraform.backend).toMatchObject({ azurerm: { key: "docsift-test-bootstrap.tfstate" } });
    expect(resource(json, "azurerm_resource_group", "rg")).toMatchObject({ name: "rg-docsift-test-deploy" });
  });

  it("federates the plan identity with <env>-plan and the apply identity with <env> only", () => {
    const credentials = resourcesOf(json, "azurerm_federated_identity_credential");
    expect(credentials.map((f) => [f.parent_id, f.subject]).sort()).toEqual([
      ["${azurerm_user_assigned_identity.apply-identity.id}", "repo:docsift-test/docsift:environment:test"],
      [
        "${azurerm_user_assigned_identity.plan-identity.id}",
        "repo:docsift-test/docsift:environment:test-plan",
      ],
    ]);
    for (const f of credentials) {
      expect(f.issuer).toBe("https://token.actions.githubusercontent.com");
      expect(f.audience).toEqual(["api://AzureADTokenExchange"]);
    }
    expect(resource(json, "azurerm_user_assigned_identity", "plan-identity").name).toBe(
      "id-docsift-test-plan",
    );
    expect(resource(json, "azurerm_user_assigned_identity", "apply-identity").name).toBe(
      "id-docsift-test-apply",
    );
  });

  it("gives the plan identity read rights only", () => {
    const plan = assignments().filter((a) => a.principal === PLAN);
    expect(plan.map((a) => String(a.role)).sort()).toEqual(
      [
        DEPLOY_ROLES.reader,
        DEPLOY_ROLES.blobDataReader,
        DEPLOY_ROLES.aksClusterUser,
        "${azurerm_role_definition.kubernetes-reader.role_definition_resource_id}",
      ].sort(),
    );
    expect(plan.find((a) => a.role === DEPLOY_ROLES.blobDataReader)?.scope).toBe(STATE);
    const reader = resource(json, "azurerm_role_definition", "kubernetes-reader");
    expect(reader.permissions).toEqual([
      {
        actions: [],
        data_actions: ["Microsoft.ContainerService/managedClusters/*/read"],
        not_data_actions: ["Microsoft.ContainerService/managedClusters/secrets/read"],
      },
    ]);
    // No write-capable role at all, whatever the scope.
    for (const a of plan) {
      expect(String(a.role)).not.toMatch(/Contributor|Owner|Administrator|Admin\b/);
    }
  });

  it("gives the apply identity Contributor and a role-assignment right limited to the stack's roles", () => {
    const apply = assignments().filter((a) => a.principal === APPLY);
    expect(apply.map((a) => `${String(a.role)} @ ${String(a.scope)}`).sort()).toEqual(
      [
        `${DEPLOY_ROLES.contributor} @ ${SUBSCRIPTION}`,
        `${DEPLOY_ROLES.rbacAdministrator} @ ${SUBSCRIPTION}`,
        `${DEPLOY_ROLES.blobDataContributor} @ ${STATE}`,
      ].sort(),
    );
    const rbac = resourcesOf(json, "azurerm_role_assignment").find(
      (a) => a.role_definition_name === DEPLOY_ROLES.rbacAdministrator,
    )!;
    expect(rbac.condition_version).toBe("2.0");
    // The condition lists one role definition per role the Azure stack grants, and no other.
    const delegable = Object.values(json.data?.azurerm_role_definition ?? {}).map((d) => d.name);
    expect(delegable.sort()).toEqual([...new Set(Object.values(ROLES))].sort());
    for (const key of Object.keys(json.data?.azurerm_role_definition ?? {})) {
      const ref = `\${data.azurerm_role_definition.${key}.role_definition_id}`;
      // Both the write and the delete branch name every delegable role.
      expect(String(rbac.condition).split(ref)).toHaveLength(3);
    }
    expect(rbac.condition).toMatch(/ActionMatches\{'Microsoft.Authorization\/roleAssignments\/write'\}/);
    expect(rbac.condition).toMatch(/ActionMatches\{'Microsoft.Authorization\/roleAssignments\/delete'\}/);
  });

  it("limits both identities' state access to this environment's blobs", () => {
    const state = resourcesOf(json, "azurerm_role_assignment").filter((a) => a.scope === STATE);
    expect(state).toHaveLength(2);
    for (const a of state) {
      expect(a.condition).toContain("StringStartsWith 'docsift-test-'");
      expect(a.condition_version).toBe("2.0");
    }
    const write = state.find((a) => a.principal_id === APPLY)!;
    expect(write.condition).toContain("blobs/write");
    const read = state.find((a) => a.principal_id === PLAN)!;
    expect(read.condition).not.toContain("blobs/write");
  });

  it("outputs both client ids for the GitHub environment variables", () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual(["apply_client_id", "plan_client_id"]);
  });
});

describe("Azure stack: the pipeline's own grants", () => {
  it("go to the apply identity by name, never to whoever runs the plan", () => {
    const { json: azure } = synthAzure();
    expect(azure.data?.azurerm_user_assigned_identity?.["apply-identity"]).toMatchObject({
      name: "id-docsift-test-apply",
      resource_group_name: "rg-docsift-test-deploy",
    });
    const pipeline = resourcesOf(azure, "azurerm_role_assignment").filter(
      (a) => a.principal_id === "${data.azurerm_user_assigned_identity.apply-identity.principal_id}",
    );
    expect(pipeline.map((a) => a.role_definition_name).sort()).toEqual(
      [ROLES.aksRbacClusterAdmin, ROLES.blobDataContributor].sort(),
    );
    for (const a of resourcesOf(azure, "azurerm_role_assignment")) {
      expect(String(a.principal_id)).not.toContain("client_config");
      // Every role the stack assigns is one the apply identity may delegate.
      expect(Object.values(ROLES)).toContain(a.role_definition_name);
    }
  });
});
