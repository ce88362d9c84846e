import type { CreateJobResponse } from "@docsift/core";
import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api.js";
import { afterCreate } from "../src/upload/after-create.js";

const jobId = "0f8fad5b-d9cb-469f-a165-70867728950e";
const answer = (
  status: CreateJobResponse["status"],
  withUpload = false,
): { response: CreateJobResponse } => ({
  response: {
    jobId,
    status,
    statusUrl: `/api/jobs/${jobId}`,
    submitUrl: `/api/jobs/${jobId}/submit`,
    ...(withUpload
      ? {
          upload: {
            url: "https://acct.blob.core.windows.net/uploads/u/j?sig=x",
            method: "PUT" as const,
            expiresAt: "2030-01-01T00:00:00.000Z",
            blockSizeBytes: 8 * 1024 * 1024,
            headers: { "x-ms-blob-type": "BlockBlob" },
          },
        }
      : {}),
  } as CreateJobResponse,
});

describe("what to do after a create (first try or a retry with the same Idempotency-Key)", () => {
  it("uploads and submits a job that waits for its document", () => {
    const step = afterCreate(answer("AWAITING_UPLOAD", true));
    expect(step).toMatchObject({ action: "upload", jobId, upload: { blockSizeBytes: 8 * 1024 * 1024 } });
  });

  it("submits again a QUEUED job: the earlier submit's answer was lost and its task may never have gone out", () => {
    expect(afterCreate(answer("QUEUED"))).toEqual({ action: "submit", jobId });
  });

  it("leaves a job a worker has taken or finished alone", () => {
    for (const status of ["PROCESSING", "COMPLETED", "FAILED"] as const)
      expect(afterCreate(answer(status))).toEqual({ action: "done", jobId });
  });

  it("starts over with a new key when the key's job expired or was deleted", () => {
    expect(afterCreate(answer("EXPIRED"))).toEqual({ action: "start-over", reason: "expired" });
    expect(afterCreate(answer("DELETED"))).toEqual({ action: "start-over", reason: "deleted" });
    const notFound = new ApiError("No such job.", 404, {
      type: "https://docsift.dev/problems/not-found",
      title: "Not found",
      status: 404,
    });
    expect(afterCreate({ error: notFound })).toEqual({ action: "start-over", reason: "deleted" });
  });

  it("passes other failures on, and refuses AWAITING_UPLOAD without an upload grant", () => {
    const offline = new ApiError("Could not reach the server.", 0, undefined, true);
    expect(() => afterCreate({ error: offline })).toThrow(offline);
    const conflict = new ApiError("Conflict", 409);
    expect(() => afterCreate({ error: conflict })).toThrow(conflict);
    expect(() => afterCreate(answer("AWAITING_UPLOAD"))).toThrow(/without an upload grant/);
  });
});
