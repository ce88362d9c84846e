import type { JobEvent, JobListResponse, JobStatus, JobView } from "@docsift/core";

export type JobSummary = JobListResponse["items"][number];

/** What the page knows of a job: the API's view, possibly ahead of it through pushed events. */
export type KnownJob = JobSummary &
  Partial<Pick<JobView, "result" | "history">> & {
    /** The API has not been read for this job since an event announced it: read it. */
    stale?: boolean;
  };

export interface StatusChange {
  jobId: string;
  from: JobStatus | undefined;
  to: JobStatus;
  /** Where the change came from; a notification should only follow live news. */
  source: "api" | "push";
}

type Listener = (changes: StatusChange[]) => void;

const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/**
 * Merges two sources of truth-ish: the API (authoritative, but a read can be overtaken by a
 * push that left later) and pushed job events (hints that can arrive late, twice or out of
 * order). Rules, per job id:
 * - an API view replaces what is known unless it is older: its `updatedAt` is before the known
 *   one, or equal with a shorter history (a read that started before the last transition);
 * - an event applies only if its `at` is after the known `updatedAt`; an equal or older event
 *   is a duplicate or stale and is ignored;
 * - a `job.deleted` event (or a 404 on read) removes the job;
 * - an event for a job the page does not know adds a stub marked `stale` to be read.
 */
export class JobStore {
  private readonly jobs = new Map<string, KnownJob>();
  /** Jobs the user deleted whose delete can still be undone: out of sight, still known. */
  private readonly hidden = new Set<string>();
  private readonly listeners = new Set<Listener>();
  /** Token for "load more"; undefined when the last page was read. */
  continuationToken: string | undefined;
  /** Pages read so far (a refresh re-reads page one and keeps the user's place further down). */
  pages = 0;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(jobId: string): KnownJob | undefined {
    return this.hidden.has(jobId) ? undefined : this.jobs.get(jobId);
  }

  /** Newest first, as the API lists them. */
  list(): KnownJob[] {
    return [...this.jobs.values()]
      .filter((j) => !this.hidden.has(j.id))
      .sort((a, b) => time(b.createdAt) - time(a.createdAt) || b.id.localeCompare(a.id));
  }

  /** Merges one page of `GET /api/jobs`; `first` pages also reset the token for "load more". */
  applyPage(page: JobListResponse, options: { first: boolean }): StatusChange[] {
    if (!options.first || this.pages <= 1) this.continuationToken = page.continuationToken;
    this.pages = options.first ? Math.max(this.pages, 1) : this.pages + 1;
    return this.emit(
      page.items.map((item) => this.mergeView(item)).filter((c): c is StatusChange => c !== undefined),
    );
  }

  /** Merges `GET /api/jobs/{id}`. */
  applyView(view: JobView): StatusChange[] {
    const change = this.mergeView(view);
    return this.emit(change ? [change] : []);
  }

  /** The API says the job is gone (404 or DELETED). */
  remove(jobId: string): void {
    this.hidden.delete(jobId);
    if (this.jobs.delete(jobId)) this.emit([]);
  }

  /**
   * Out of the list and the detail view while a delete waits out its undo time; refreshes and
   * events still update it underneath, so an undo shows it as it is by then.
   */
  hide(jobId: string): void {
    this.hidden.add(jobId);
    this.emit([]);
  }

  unhide(jobId: string): void {
    if (this.hidden.delete(jobId)) this.emit([]);
  }

  /** Merges a pushed event; returns whether it changed anything (false for stale or duplicate events). */
  applyEvent(event: JobEvent): boolean {
    const known = this.jobs.get(event.jobId);
    if (event.type === "job.deleted") {
      if (!known || time(event.at) < time(known.updatedAt)) return false;
      this.jobs.delete(event.jobId);
      this.emit([{ jobId: event.jobId, from: known.status, to: "DELETED", source: "push" }]);
      return true;
    }
    if (known && time(event.at) <= time(known.updatedAt)) return false;
    const base: KnownJob = known ?? {
      id: event.jobId,
      status: event.status,
      fileName: event.summary.fileName,
      contentType: "",
      sizeBytes: 1,
      createdAt: event.at,
      updatedAt: event.at,
      attempt: event.summary.attempt,
      stale: true,
    };
    const { error } = event.summary;
    const next: KnownJob = {
      ...base,
      status: event.status,
      updatedAt: event.at,
      attempt: event.summary.attempt,
      // An event carries a summary only: the full result or error comes from the API.
      stale: true,
      ...(event.type === "job.progress" && event.summary.stage
        ? {
            progress: {
              stage: event.summary.stage,
              at: event.at,
              ...(event.summary.pagesDone !== undefined ? { pagesDone: event.summary.pagesDone } : {}),
              ...(event.summary.pagesTotal !== undefined ? { pagesTotal: event.summary.pagesTotal } : {}),
            },
          }
        : {}),
      ...(error ? { error: { ...error, permanent: true } } : {}),
    };
    this.jobs.set(event.jobId, next);
    const changed = known?.status !== event.status;
    this.emit(changed ? [{ jobId: event.jobId, from: known?.status, to: event.status, source: "push" }] : []);
    return true;
  }

  private mergeView(view: JobSummary | JobView): StatusChange | undefined {
    const known = this.jobs.get(view.id);
    if (view.status === "DELETED") {
      this.jobs.delete(view.id);
      return known ? { jobId: view.id, from: known.status, to: "DELETED", source: "api" } : undefined;
    }
    if (known && isOlder(view, known)) return undefined;
    // A list item has no result/history: keep what a detail read brought while it is current.
    const keepDetail = known && known.updatedAt === view.updatedAt && !("history" in view);
    this.jobs.set(
      view.id,
      keepDetail ? { result: known.result, history: known.history, ...view } : { ...view },
    );
    return known?.status !== view.status
      ? { jobId: view.id, from: known?.status, to: view.status, source: "api" }
      : undefined;
  }

  /** Listeners hear every merge that changed something, with the status changes among them. */
  private emit(changes: StatusChange[]): StatusChange[] {
    for (const l of this.listeners) l(changes);
    return changes;
  }
}

function isOlder(view: JobSummary | JobView, known: KnownJob): boolean {
  const a = time(view.updatedAt);
  const b = time(known.updatedAt);
  if (a !== b) return a < b;
  // Same instant: a view with fewer transitions than we already saw was read before the last one.
  if ("history" in view && known.history) return view.history.length < known.history.length;
  return false;
}
