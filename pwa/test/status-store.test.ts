import { describe, expect, it } from "vitest";
import type { JobEvent, JobView } from "@docsift/core";
import { progressText } from "../src/ui/views.js";
import { JobStore } from "../src/status/store.js";
import type { StatusChange } from "../src/status/store.js";

const ID = "3f1c2b9a-1d2e-4f3a-8b4c-5d6e7f8a9b0c";
const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, s)).toISOString();

function view(status: JobView["status"], at: number, history = 1, extra: Partial<JobView> = {}): JobView {
  return {
    id: ID,
    status,
    fileName: "invoice.pdf",
    contentType: "application/pdf",
    sizeBytes: 1000,
    createdAt: t(0),
    updatedAt: t(at),
    attempt: 1,
    history: Array.from({ length: history }, (_, i) => ({
      from: null,
      to: "QUEUED" as const,
      at: t(i),
      attempt: 1,
    })),
    ...extra,
  };
}

function event(
  type: JobEvent["type"],
  status: JobEvent["status"],
  at: number,
  summary: Partial<JobEvent["summary"]> = {},
  jobId = ID,
): JobEvent {
  return {
    schemaVersion: 1,
    eventId: `${jobId}:${at}`,
    jobId,
    userId: "alice",
    type,
    status,
    at: t(at),
    summary: { fileName: "invoice.pdf", attempt: 1, ...summary },
  };
}

describe("job status store", () => {
  it("applies newer events and ignores duplicates and stale ones", () => {
    const store = new JobStore();
    store.applyView(view("QUEUED", 1));
    expect(store.applyEvent(event("job.processing", "PROCESSING", 2))).toBe(true);
    expect(store.applyEvent(event("job.processing", "PROCESSING", 2))).toBe(false); // duplicate
    expect(store.applyEvent(event("job.completed", "COMPLETED", 5))).toBe(true);
    // A late progress event from before completion must not move the job back.
    expect(store.applyEvent(event("job.progress", "PROCESSING", 3, { stage: "extract", pagesDone: 2 }))).toBe(
      false,
    );
    expect(store.get(ID)).toMatchObject({ status: "COMPLETED", updatedAt: t(5), stale: true });
  });

  it("ignores an API read that started before the last pushed transition", () => {
    const store = new JobStore();
    store.applyView(view("PROCESSING", 2, 3));
    store.applyEvent(event("job.completed", "COMPLETED", 6));
    store.applyView(view("PROCESSING", 2, 3)); // slow read answered after the push
    expect(store.get(ID)?.status).toBe("COMPLETED");
    store.applyView(view("COMPLETED", 6, 4, { result: undefined }));
    expect(store.get(ID)?.status).toBe("COMPLETED");
    expect(store.get(ID)?.stale).toBeUndefined();
  });

  it("breaks a tie in updatedAt by history length", () => {
    const store = new JobStore();
    store.applyView(view("PROCESSING", 4, 3));
    store.applyView(view("QUEUED", 4, 2));
    expect(store.get(ID)?.status).toBe("PROCESSING");
    store.applyView(view("FAILED", 4, 4));
    expect(store.get(ID)?.status).toBe("FAILED");
  });

  it("shows progress from progress events", () => {
    const store = new JobStore();
    store.applyView(view("PROCESSING", 1));
    store.applyEvent(event("job.progress", "PROCESSING", 2, { stage: "extract", pagesDone: 7 }));
    expect(store.get(ID)?.progress).toEqual({ stage: "extract", pagesDone: 7, at: t(2) });
  });

  it("says which page of how many while the count is known, and how many are done otherwise", () => {
    const store = new JobStore();
    store.applyView(view("PROCESSING", 1));
    store.applyEvent(
      event("job.progress", "PROCESSING", 2, { stage: "extract", pagesDone: 40, pagesTotal: 900 }),
    );
    expect(store.get(ID)?.progress).toEqual({ stage: "extract", pagesDone: 40, pagesTotal: 900, at: t(2) });
    expect(progressText(store.get(ID)!)).toBe("Now reading the text (page 40 of 900)");
    store.applyEvent(event("job.progress", "PROCESSING", 3, { stage: "extract", pagesDone: 75 }));
    expect(progressText(store.get(ID)!)).toBe("Now reading the text (75 pages done)");
    expect(progressText({ status: "QUEUED", progress: store.get(ID)!.progress })).toBe("");
  });

  it("adds a stub for an unknown job, marked to be read from the API", () => {
    const store = new JobStore();
    store.applyEvent(event("job.queued", "QUEUED", 1, { fileName: "from-the-cli.pdf" }));
    expect(store.get(ID)).toMatchObject({ fileName: "from-the-cli.pdf", status: "QUEUED", stale: true });
  });

  it("removes a job on job.deleted, but not on a stale one", () => {
    const store = new JobStore();
    store.applyView(view("COMPLETED", 5));
    expect(store.applyEvent(event("job.deleted", "DELETED", 4))).toBe(false);
    expect(store.get(ID)).toBeDefined();
    expect(store.applyEvent(event("job.deleted", "DELETED", 6))).toBe(true);
    expect(store.get(ID)).toBeUndefined();
  });

  it("reports status changes with their source, and keeps a detail read across list refreshes", () => {
    const store = new JobStore();
    const changes: StatusChange[] = [];
    store.subscribe((c) => changes.push(...c));
    store.applyPage({ items: [view("QUEUED", 1)] }, { first: true });
    store.applyEvent(event("job.completed", "COMPLETED", 3));
    expect(changes).toEqual([
      { jobId: ID, from: undefined, to: "QUEUED", source: "api" },
      { jobId: ID, from: "QUEUED", to: "COMPLETED", source: "push" },
    ]);
    const result = { documentType: "invoice" } as JobView["result"];
    store.applyView(view("COMPLETED", 3, 3, { result }));
    const { history: _h, result: _r, ...summary } = view("COMPLETED", 3, 3);
    store.applyPage({ items: [summary] }, { first: true });
    expect(store.get(ID)?.result).toBe(result);
  });

  it("lists newest first and keeps the load-more token when page one is re-read", () => {
    const store = new JobStore();
    const other = { ...view("QUEUED", 1), id: "00000000-0000-4000-8000-000000000001", createdAt: t(30) };
    store.applyPage({ items: [other], continuationToken: "p2" }, { first: true });
    expect(store.continuationToken).toBe("p2");
    store.applyPage({ items: [view("QUEUED", 1)], continuationToken: "p3" }, { first: false });
    expect(store.continuationToken).toBe("p3");
    store.applyPage({ items: [other], continuationToken: "p2" }, { first: true });
    expect(store.continuationToken).toBe("p3");
    expect(store.list().map((j) => j.id)).toEqual([other.id, ID]);
  });
});
