import { WebPubSubClient } from "@azure/web-pubsub-client";
import type { JobEvent } from "@docsift/core";
import { isTerminal } from "../../core/src/job/states.js";
import { ApiError, createApiClient } from "./api.js";
import type { JobSearch } from "./api.js";
import type { FieldName, JobListResponse, JobStatus, ReviewedResult } from "@docsift/core";
import { reviewForm } from "./ui/review.js";
import { API_CACHE } from "./lib/cache-names.js";
import {
  askPermission,
  notificationSupport,
  notifyOutcome,
  subscribeWebPush,
  unsubscribeWebPush,
} from "./notify.js";
import { PendingUploads } from "./offline/pending.js";
import { ConnectionManager } from "./realtime/connection.js";
import { SIGN_IN_URL, SIGN_OUT_URL, adoptSignedInUser, forgetOnSignOut, signInState } from "./session.js";
import type { SignInState, UserData } from "./session.js";
import type { ConnectionInfo, RealtimeClient } from "./realtime/connection.js";
import { JobStore } from "./status/store.js";
import type { StatusChange } from "./status/store.js";
import { xhrTransport } from "./upload/transport.js";
import { Uploads } from "./uploads.js";
import { ACCEPT, MAX_UPLOAD_BYTES, checkContent, checkFile, formatBytes } from "./validate.js";
import { STATUS_LABELS } from "./ui/labels.js";
import { PendingDeletes } from "./ui/pending-deletes.js";
import { h, syncList } from "./ui/dom.js";
import { createJobRow, createUploadRow, jobDetail, updateJobRow, updateUploadRow } from "./ui/views.js";
import "./styles.css";

const PAGE_SIZE = 20;
const api = createApiClient();
const store = new JobStore();
const pending = new PendingUploads();
const LAST_USER_KEY = "docsift.lastUserId";
const userData: UserData = {
  lastUserId: {
    get: () => localStorage.getItem(LAST_USER_KEY),
    set: (userId) => localStorage.setItem(LAST_USER_KEY, userId),
  },
  clearApiCache: async () => {
    if ("caches" in globalThis) await caches.delete(API_CACHE);
  },
  pending,
};
const uploads = new Uploads({
  api,
  transport: xhrTransport,
  pending,
  isOnline: () => navigator.onLine,
  userId: () => userData.lastUserId.get() ?? undefined,
  onSubmitted: (jobId) => void readJob(jobId),
});

const header = document.querySelector<HTMLElement>("#top")!;
const banner = document.querySelector<HTMLElement>("#offline-banner")!;
const main = document.querySelector<HTMLElement>("#main")!;

// ---- header: who, connection, notifications ------------------------------------------------

const userEl = h("span", { class: "user" }, "Signing in…");
const connEl = h("span", { class: "conn", role: "status", "data-state": "connecting" }, "Connecting…");
const notifyButton = h(
  "button",
  { type: "button", class: "secondary", id: "notify" },
  h("span", { class: "notify-icon", "aria-hidden": "true" }),
  h("span", { class: "notify-label" }, "Turn on notifications"),
);
const notifyNote = h("span", { class: "muted small notify-note", role: "status" });
header.append(
  h(
    "a",
    { class: "brand", href: "/", "data-link": true },
    h("img", { src: "/icons/favicon.svg", alt: "", width: 28, height: 28 }),
    "docsift",
  ),
  h("div", { class: "top-right" }, connEl, notifyButton, notifyNote, userEl),
);

function showSignIn(signIn: SignInState): void {
  userEl.replaceChildren();
  if (signIn.state === "signed-out") return void userEl.append(h("a", { href: SIGN_IN_URL }, "Sign in"));
  if (signIn.state === "offline") return void userEl.append("Signed in (offline)");
  if (signIn.state === "unknown") {
    userEl.append(
      h("span", { title: signIn.reason }, "Could not check who is signed in. "),
      h("a", { href: SIGN_IN_URL }, "Sign in"),
    );
    return;
  }
  const { me } = signIn;
  userEl.append(h("span", { class: "visually-hidden" }, "Signed in as "), h("strong", {}, me.name));
  if (me.authMode === "dev")
    userEl.append(h("span", { class: "badge status-queued", title: "Local development identity" }, "dev"));
  else userEl.append(h("a", { href: SIGN_OUT_URL, id: "sign-out" }, "Sign out"));
}

userEl.addEventListener("click", (e) => {
  const link = (e.target as Element).closest?.("#sign-out") as HTMLAnchorElement | null;
  if (!link) return;
  e.preventDefault();
  // Give up on the clean-up rather than on signing out when the network hangs.
  const cleanUp = Promise.allSettled([unsubscribeWebPush(api), forgetOnSignOut(userData)]);
  void Promise.race([cleanUp, new Promise((r) => setTimeout(r, 3000))]).then(() =>
    location.assign(link.href),
  );
});

function showConnection(info: ConnectionInfo): void {
  connEl.dataset.state = info.state;
  connEl.textContent =
    info.state === "live"
      ? "Live updates"
      : info.state === "polling"
        ? `Reconnecting… checking every ${Math.max(1, Math.round((info.nextPollMs ?? 0) / 1000))} s`
        : info.state === "connecting"
          ? "Connecting…"
          : "Updates paused";
}

function showNotifyState(): void {
  const support = notificationSupport();
  notifyButton.hidden = support !== "default";
  notifyNote.textContent =
    support === "denied" ? "Notifications are blocked in this browser's settings." : "";
}

notifyButton.addEventListener("click", async () => {
  const permission = await askPermission();
  showNotifyState();
  if (permission !== "granted") return;
  notifyNote.textContent = "Notifications on.";
  const push = await subscribeWebPush(api).catch(() => "unavailable" as const);
  if (push === "subscribed") notifyNote.textContent = "Notifications on, also when docsift is closed.";
  else if (push === "unavailable") notifyNote.textContent = "Notifications on while docsift is open.";
});

// ---- offline banner -----------------------------------------------------------------------

function showOnline(): void {
  banner.hidden = navigator.onLine;
}
banner.append(
  h("strong", {}, "You are offline. "),
  "Showing your jobs as last seen; documents you add will upload when you are back online.",
);

// ---- routes -------------------------------------------------------------------------------

type Route = { name: "list" } | { name: "job"; id: string } | { name: "review"; id: string };
const routeOf = (path: string): Route => {
  const m = /^\/jobs\/([0-9a-f-]{36})(\/review)?\/?$/i.exec(path);
  if (!m) return { name: "list" };
  return { name: m[2] ? "review" : "job", id: m[1]!.toLowerCase() };
};
let route: Route = routeOf(location.pathname);

function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, "", path);
  route = routeOf(path);
  render(true);
}

document.addEventListener("click", (e) => {
  const link = (e.target as Element).closest?.("a[data-link]") as HTMLAnchorElement | null;
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin) return;
  e.preventDefault();
  navigate(url.pathname);
});
window.addEventListener("popstate", () => {
  route = routeOf(location.pathname);
  render(true);
});
navigator.serviceWorker?.addEventListener("message", (e: MessageEvent<{ type?: string; url?: string }>) => {
  if (e.data?.type === "open" && e.data.url) navigate(new URL(e.data.url).pathname);
});

// ---- list view ------------------------------------------------------------------------------

const fileInput = h("input", {
  type: "file",
  id: "file-input",
  multiple: true,
  accept: ACCEPT,
  class: "visually-hidden",
});
const fileErrors = h("ul", {
  class: "file-errors",
  id: "file-errors",
  role: "alert",
  "aria-live": "assertive",
});
const uploadList = h("ul", { class: "uploads", "aria-label": "Uploads" });
const jobList = h("ul", { class: "jobs", id: "jobs", "aria-labelledby": "jobs-h" });
const jobsNote = h("p", { class: "muted", role: "status" });
const reviewCounter = h("span", { class: "review-counter", id: "review-counter", hidden: true });
const searchInput = h("input", {
  type: "search",
  id: "job-search",
  placeholder: "File name, vendor or invoice number",
  autocomplete: "off",
});
const statusFilter = h(
  "select",
  { id: "status-filter" },
  h("option", { value: "" }, "Any status"),
  ...(["COMPLETED", "PROCESSING", "QUEUED", "FAILED", "AWAITING_UPLOAD", "EXPIRED"] as const).map((s) =>
    h("option", { value: s }, STATUS_LABELS[s]),
  ),
);
const reviewFilter = h("input", { type: "checkbox", id: "review-filter" });
const sortSelect = h(
  "select",
  { id: "job-sort" },
  h("option", { value: "newest" }, "Newest first"),
  h("option", { value: "oldest" }, "Oldest first"),
  h("option", { value: "fileName" }, "File name"),
  h("option", { value: "vendor" }, "Vendor"),
  h("option", { value: "total" }, "Total, highest first"),
);
const searchBar = h(
  "form",
  {
    class: "job-search",
    role: "search",
    "aria-label": "Search your jobs",
    onsubmit: (e: Event) => e.preventDefault(),
  },
  h("label", { for: "job-search" }, "Search"),
  searchInput,
  h("label", { for: "status-filter" }, "Status"),
  statusFilter,
  h("label", { class: "check" }, reviewFilter, " Needs review only"),
  h("label", { for: "job-sort" }, "Sort"),
  sortSelect,
);
const exportLink = h(
  "a",
  { href: "/api/exports/jobs", download: "", id: "export", class: "button secondary" },
  "Export CSV",
);

/** The export takes the list's status and review filters (a search term does not apply to it). */
function updateExportLink(query: JobSearch | undefined): void {
  const params = new URLSearchParams();
  if (query?.status?.length) params.set("status", query.status.join(","));
  if (query?.needsReview !== undefined) params.set("needsReview", String(query.needsReview));
  const qs = params.toString();
  exportLink.setAttribute("href", `/api/exports/jobs${qs ? `?${qs}` : ""}`);
}
const moreButton = h("button", { type: "button", class: "secondary", id: "more" }, "Load more");
const dropZone = h(
  "div",
  { class: "drop", id: "drop" },
  // Touch screens have nothing to drop from: the stylesheet hides this there (pointer: coarse).
  h("p", { class: "drop-title" }, "Drop documents here, or"),
  fileInput,
  h("label", { for: "file-input", class: "button" }, "Choose files"),
  h(
    "p",
    { class: "muted small", id: "file-hint" },
    `PDF, Word (.docx), text, PNG, JPEG or TIFF · up to ${formatBytes(MAX_UPLOAD_BYTES)} each · several at once`,
  ),
);
fileInput.setAttribute("aria-describedby", "file-hint");
const listView = h(
  "div",
  { class: "list-view" },
  h("h1", { class: "visually-hidden", tabindex: -1 }, "docsift: your documents"),
  h(
    "section",
    { "aria-labelledby": "upload-h", class: "card" },
    h("h2", { id: "upload-h" }, "Upload documents"),
    dropZone,
    fileErrors,
    uploadList,
  ),
  h(
    "section",
    { "aria-labelledby": "jobs-h", class: "card" },
    h("h2", { id: "jobs-h" }, "Your jobs ", reviewCounter),
    searchBar,
    jobsNote,
    jobList,
    h("p", { class: "list-actions" }, moreButton, " ", exportLink),
  ),
);

async function addFiles(files: FileList | File[]): Promise<void> {
  fileErrors.replaceChildren();
  for (const file of Array.from(files)) {
    const check = checkFile(file);
    const content = check.ok ? await checkContent(file, check.contentType) : check;
    if (!content.ok) fileErrors.append(h("li", {}, content.reason));
    else uploads.add(file, content.contentType);
  }
}
fileInput.addEventListener("change", () => {
  // Copied now: the input is cleared below, before the checks have read the files.
  if (fileInput.files?.length) void addFiles(Array.from(fileInput.files));
  fileInput.value = "";
});
for (const type of ["dragenter", "dragover"])
  dropZone.addEventListener(type, (e) => {
    e.preventDefault();
    dropZone.classList.add("over");
  });
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("over"));
dropZone.addEventListener("drop", (e) => {
  e.preventDefault();
  dropZone.classList.remove("over");
  if (e.dataTransfer?.files.length) void addFiles(Array.from(e.dataTransfer.files));
});

const uploadActions = {
  cancel: (id: string) => uploads.cancel(id),
  retry: (id: string) => uploads.retry(id),
  dismiss: (id: string) => uploads.dismiss(id),
};
let uploadsFrame = 0;
uploads.subscribe(() => {
  // Progress fires per XHR progress event: draw once per frame.
  if (!uploadsFrame) uploadsFrame = requestAnimationFrame(() => ((uploadsFrame = 0), renderUploads()));
});
function renderUploads(): void {
  syncList(
    uploadList,
    uploads.list(),
    (u) => u.id,
    (u) => createUploadRow(u, uploadActions),
    updateUploadRow,
  );
}

moreButton.addEventListener("click", async () => {
  if (!store.continuationToken) return;
  moreButton.disabled = true;
  try {
    store.applyPage(await api.listJobs({ limit: PAGE_SIZE, continuationToken: store.continuationToken }), {
      first: false,
    });
  } catch (err) {
    jobsNote.textContent = messageOf(err);
  } finally {
    moreButton.disabled = false;
  }
});

// ---- search: the API's answer replaces the live list while a search or filter is set ----------

let search: { query: JobSearch; page: JobListResponse } | undefined;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
let searchSeq = 0;

function currentSearch(): JobSearch | undefined {
  const query: JobSearch = {
    ...(searchInput.value.trim() ? { q: searchInput.value.trim() } : {}),
    ...(statusFilter.value ? { status: [statusFilter.value as JobStatus] } : {}),
    ...(reviewFilter.checked ? { needsReview: true } : {}),
    ...(sortSelect.value !== "newest" ? { sort: sortSelect.value as JobSearch["sort"] } : {}),
  };
  return Object.keys(query).length ? query : undefined;
}

async function runSearch(): Promise<void> {
  const query = currentSearch();
  const seq = ++searchSeq;
  updateExportLink(query);
  if (!query) {
    search = undefined;
    return renderList();
  }
  try {
    const page = await api.listJobs({ ...query, limit: 50 });
    // An older search answering late must not replace a newer one.
    if (seq === searchSeq) search = { query, page };
  } catch (err) {
    jobsNote.textContent = messageOf(err);
  }
  renderList();
}
searchInput.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => void runSearch(), 250);
});
for (const el of [statusFilter, reviewFilter, sortSelect])
  el.addEventListener("change", () => void runSearch());

async function countNeedingReview(): Promise<void> {
  try {
    const page = await api.listJobs({ needsReview: true, limit: 100 });
    const n = page.items.length;
    reviewCounter.hidden = n === 0;
    reviewCounter.textContent = `${n}${page.continuationToken ? "+" : ""} need${n === 1 && !page.continuationToken ? "s" : ""} review`;
  } catch {
    // The counter is a hint; the list itself reports failures.
  }
}

function renderList(): void {
  if (search) {
    syncList(jobList, search.page.items, (j) => j.id, createJobRow, updateJobRow);
    moreButton.hidden = true;
    jobsNote.textContent = search.page.items.length
      ? `${search.page.items.length}${search.page.continuationToken ? "+" : ""} matching job${search.page.items.length === 1 ? "" : "s"}`
      : "No job matches.";
    return;
  }
  const jobs = store.list();
  syncList(jobList, jobs, (j) => j.id, createJobRow, updateJobRow);
  moreButton.hidden = !store.continuationToken;
  if (!jobs.length)
    jobsNote.textContent = store.pages ? "No jobs yet. Upload a document to start." : "Loading your jobs…";
  else if (/^(No job|Loading|\d+\+? matching)/.test(jobsNote.textContent ?? "")) jobsNote.textContent = "";
}

// ---- detail view ----------------------------------------------------------------------------

let detailError = "";

// The reviewed result of a corrected job, read once per revision for the detail view's table.
const reviewedResults = new Map<string, ReviewedResult>();
const reviewedReads = new Set<string>();
function reviewedFor(job: {
  id: string;
  review?: { revision: number } | undefined;
}): ReviewedResult | undefined {
  const revision = job.review?.revision ?? 0;
  if (!revision) return undefined;
  const known = reviewedResults.get(job.id);
  if (known?.revision === revision) return known;
  const key = `${job.id}:${revision}`;
  if (!reviewedReads.has(key)) {
    reviewedReads.add(key);
    void api
      .getResult(job.id)
      .then(({ body }) => {
        reviewedResults.set(job.id, body);
        if (route.name === "job" && route.id === job.id) render();
      })
      .catch(() => reviewedReads.delete(key));
  }
  return known;
}
function renderDetail(id: string, focus: boolean): void {
  const job = store.get(id);
  if (!job) {
    main.replaceChildren(
      h(
        "div",
        { class: "card" },
        h("p", {}, h("a", { href: "/", "data-link": true }, "← All jobs")),
        h("h1", { tabindex: -1 }, detailError || "Loading the job…"),
      ),
    );
  } else {
    const focused = document.activeElement;
    const keepFocus = focused && main.contains(focused) && !focus ? focused.textContent : undefined;
    main.replaceChildren(
      h("div", { class: "card" }, jobDetail(job, { delete: deleteJob, retry: retryJob }, reviewedFor(job))),
    );
    if (keepFocus)
      Array.from(main.querySelectorAll<HTMLElement>("a, button"))
        .find((e) => e.textContent === keepFocus)
        ?.focus();
  }
  if (focus) main.querySelector<HTMLElement>("h1")?.focus();
}

async function retryJob(id: string): Promise<void> {
  try {
    await api.retryJob(id);
    showToast("Retrying: the job is back in the queue.", undefined, 4000);
  } catch (err) {
    showToast(`The job was not retried: ${messageOf(err)}`);
  }
  await readJob(id);
}

// ---- review view ----------------------------------------------------------------------------

let reviewLoading: string | undefined;
let review:
  { jobId: string; result?: ReviewedResult; etag?: string; error?: string; note?: string } | undefined;

async function loadReview(id: string, note?: string): Promise<void> {
  try {
    const { body, etag } = await api.getResult(id);
    review = { jobId: id, result: body, etag, ...(note ? { note } : {}) };
  } catch (err) {
    review = { jobId: id, error: messageOf(err) };
  }
  if (route.name === "review" && route.id === id) renderReview(id, false);
}

/** Runs a change against the version on screen; a newer one elsewhere reloads and says so. */
async function reviewChange(
  id: string,
  change: (etag: string) => Promise<{ body: ReviewedResult; etag: string }>,
): Promise<void> {
  if (!review?.etag) return;
  try {
    const { body, etag } = await change(review.etag);
    review = { jobId: id, result: body, etag, note: "Saved." };
    reviewedResults.set(id, body);
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) {
      await loadReview(
        id,
        "The values were changed elsewhere meanwhile; this is the latest. Repeat your change.",
      );
      return;
    }
    throw err;
  }
  renderReview(id, false);
  void readJob(id);
  void countNeedingReview();
}

function renderReview(id: string, focus: boolean): void {
  const job = store.get(id);
  const focused = document.activeElement as HTMLElement | null;
  const field = focused?.closest<HTMLElement>("[data-field]")?.dataset.field;
  const back = h(
    "p",
    {},
    h("a", { href: `/jobs/${id}`, "data-link": true, class: "back" }, "← Back to the job"),
  );
  const title = h(
    "h1",
    { tabindex: -1, class: "file-name" },
    review?.result?.fileName ?? job?.fileName ?? "Review",
  );
  const body =
    review?.jobId !== id
      ? h("p", { class: "muted" }, "Loading the result…")
      : review.error
        ? h("p", { class: "error", role: "alert" }, review.error)
        : reviewForm(review.result!, {
            save: (fields: Partial<Record<FieldName, string | null>>) =>
              reviewChange(id, (etag) => api.correctResult(id, fields, etag)),
            confirm: (fields: FieldName[] | undefined) =>
              reviewChange(id, (etag) => api.confirmResult(id, fields, etag)),
          });
  main.replaceChildren(h("div", { class: "card" }, back, title, body));
  if (review?.note) {
    const status = main.querySelector<HTMLElement>(".review-status");
    if (status) status.textContent = review.note;
  }
  // Nothing had focus (the page was opened on this address) or the heading had: the heading.
  if (focus || !focused || focused === document.body || focused.matches("h1")) title.focus();
  else if (field) {
    // Keep the keyboard where it was: the same field's input once its buttons are gone.
    const row = main.querySelector<HTMLElement>(`[data-field="${field}"]`);
    (row?.querySelector<HTMLElement>("button") ?? row?.querySelector<HTMLElement>("input"))?.focus();
  }
}

// ---- delete: the app's own dialog, then an undo window ---------------------------------------

/** How long a delete waits before it is sent, so it can be undone. */
const UNDO_MS = 8000;
const pendingDeletes = new PendingDeletes(UNDO_MS);
// Closing the tab sends what is waiting (keepalive requests outlive the page).
window.addEventListener("pagehide", () => void pendingDeletes.flush());

const toast = h("div", { class: "toast", role: "status", "aria-live": "polite", hidden: true });
document.body.append(toast);
let toastTimer: ReturnType<typeof setTimeout> | undefined;

function showToast(text: string, action?: { label: string; run(): void }, ms = UNDO_MS): void {
  clearTimeout(toastTimer);
  toast.replaceChildren(h("span", {}, text));
  if (action)
    toast.append(
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            toast.hidden = true;
            action.run();
          },
        },
        action.label,
      ),
    );
  toast.hidden = false;
  toastTimer = setTimeout(() => (toast.hidden = true), ms);
}

/** Asks in a modal dialog of the app's own; Escape or Cancel answer no. */
function confirmDelete(fileName: string): Promise<boolean> {
  const dialog = h(
    "dialog",
    { class: "confirm", "aria-labelledby": "delete-h", "aria-describedby": "delete-d" },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "delete-h" }, `Delete “${fileName}”?`),
      h(
        "p",
        { id: "delete-d" },
        "The job, its document and its result are deleted. You can undo this for a few seconds.",
      ),
      h(
        "p",
        { class: "dialog-actions" },
        h("button", { value: "cancel", class: "secondary", autofocus: true }, "Cancel"),
        h("button", { value: "delete", class: "danger" }, "Delete"),
      ),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "delete");
      dialog.remove();
    });
    dialog.showModal();
  });
}

async function deleteJob(id: string): Promise<void> {
  const job = store.get(id);
  if (!job || !(await confirmDelete(job.fileName))) return;
  store.hide(id);
  navigate("/");
  pendingDeletes.schedule(id, async () => {
    try {
      await api.deleteJob(id, { keepalive: true });
      store.remove(id);
    } catch (err) {
      store.unhide(id);
      showToast(`“${job.fileName}” was not deleted: ${messageOf(err)}`);
    }
  });
  showToast(`“${job.fileName}” deleted.`, {
    label: "Undo",
    run: () => {
      if (!pendingDeletes.undo(id)) return;
      store.unhide(id);
      showToast(`“${job.fileName}” is back.`, undefined, 4000);
    },
  });
}

function render(routeChanged = false): void {
  if (route.name === "list") {
    if (main.firstElementChild !== listView) main.replaceChildren(listView);
    renderList();
    renderUploads();
    if (routeChanged) listView.querySelector<HTMLElement>("h1")?.focus();
    document.title = "docsift";
  } else if (route.name === "review") {
    if (review?.jobId !== route.id) review = undefined;
    // Read on arrival (also when the page was opened on this address) and not on every redraw.
    if ((routeChanged || !review) && reviewLoading !== route.id) {
      reviewLoading = route.id;
      void loadReview(route.id).finally(() => (reviewLoading = undefined));
    }
    // A live update of the job list must not redraw the form under the user's typing.
    if (routeChanged || !main.querySelector(".review-form")) renderReview(route.id, routeChanged);
    document.title = `Review ${store.get(route.id)?.fileName ?? "job"} · docsift`;
  } else {
    renderDetail(route.id, routeChanged);
    if (routeChanged && !store.get(route.id)?.history) void readJob(route.id);
    document.title = `${store.get(route.id)?.fileName ?? "Job"} · docsift`;
  }
}

// ---- data ---------------------------------------------------------------------------------

function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.offline ? "You are offline." : err.message;
  return err instanceof Error ? err.message : String(err);
}

async function readJob(id: string): Promise<void> {
  try {
    store.applyView(await api.getJob(id));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      store.remove(id);
      detailError = "This job does not exist or was deleted.";
    } else detailError = messageOf(err);
    if (route.name === "job" && route.id === id) render();
  }
}

/** The API is the truth: re-read the first page, every job an event told us about, and the open job. */
async function refresh(reason: string): Promise<void> {
  const page = await api.listJobs({ limit: PAGE_SIZE });
  store.applyPage(page, { first: true });
  void countNeedingReview();
  if (search) void runSearch();
  const toRead = new Set(
    store
      .list()
      .filter((j) => j.stale)
      .map((j) => j.id),
  );
  if (route.name === "job") toRead.add(route.id);
  await Promise.all([...toRead].map(readJob));
  void reason;
}

const isJobEvent = (value: unknown): value is JobEvent => {
  const e = value as Partial<JobEvent> | null;
  return (
    !!e &&
    typeof e.jobId === "string" &&
    typeof e.type === "string" &&
    typeof e.status === "string" &&
    typeof e.at === "string" &&
    typeof e.summary === "object"
  );
};

function onPushed(data: unknown): void {
  const event = typeof data === "string" ? (JSON.parse(data) as unknown) : data;
  if (!isJobEvent(event)) return;
  if (!store.applyEvent(event)) return;
  // Outcomes carry a summary only: read the result (or error) in full.
  if (
    event.type === "job.completed" ||
    event.type === "job.failed" ||
    (route.name === "job" && route.id === event.jobId)
  )
    void readJob(event.jobId);
}

const notified = new Set<string>();
store.subscribe((changes: StatusChange[]) => {
  render();
  for (const c of changes) {
    if (!isTerminal(c.to) || c.to === "DELETED" || c.to === "EXPIRED" || notified.has(c.jobId)) continue;
    // Only news: not the jobs that were already finished when the page loaded.
    if (c.source === "api" && (c.from === undefined || isTerminal(c.from))) continue;
    notified.add(c.jobId);
    void (async () => {
      if (!store.get(c.jobId)?.result && c.to === "COMPLETED") await readJob(c.jobId);
      const job = store.get(c.jobId);
      if (job) await notifyOutcome(job).catch(() => false);
    })();
  }
});

const connection = new ConnectionManager({
  negotiate: async () => (await api.negotiate()).url,
  createClient: (getClientAccessUrl) =>
    new WebPubSubClient({ getClientAccessUrl }, { autoRejoinGroups: false }) as unknown as RealtimeClient,
  refresh,
  onMessage: onPushed,
  onState: showConnection,
  onError: (err, during) => {
    if (!(err instanceof ApiError && err.offline)) console.warn(`docsift: ${during} failed`, err);
  },
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") connection.refreshNow("visible");
});
window.addEventListener("online", () => {
  showOnline();
  connection.refreshNow("online");
  void uploads.resumePending();
});
window.addEventListener("offline", showOnline);

// ---- start ----------------------------------------------------------------------------------

async function start(): Promise<void> {
  showOnline();
  showNotifyState();
  render(false);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .catch((err: unknown) => console.warn("docsift: service worker registration failed", err));
  }
  const signIn = await signInState({ me: api.me, authMe: api.authMe, isOnline: () => navigator.onLine });
  showSignIn(signIn);
  if (signIn.state === "signed-out") return;
  // Before the first read: the cache and the queued documents of another user must not show or be sent.
  if (signIn.state === "signed-in") {
    const adopted = await adoptSignedInUser(signIn.me.userId, userData).catch((err: unknown) => {
      console.warn("docsift: could not clear the previous user's data", err);
      return undefined;
    });
    // The clear may also have taken this user's /api/me: read it again for the offline header.
    if (adopted?.cleared) await api.me().catch(() => undefined);
  }
  // The first read does not wait for the socket: the list shows (from the cache, offline) at once.
  await refresh("start").catch((err: unknown) => (jobsNote.textContent = messageOf(err)));
  connection.start();
  await uploads.resumePending();
  // A permission granted earlier: keep the server's copy of this browser's subscription fresh.
  if (notificationSupport() === "granted") void subscribeWebPush(api).catch(() => undefined);
}

void start();
