import type { ApiClient } from "./api.js";
import type { KnownJob } from "./status/store.js";

export type NotificationSupport = "unsupported" | "default" | "granted" | "denied";

export const notificationSupport = (): NotificationSupport =>
  "Notification" in globalThis && "serviceWorker" in navigator ? Notification.permission : "unsupported";

/** Must run inside a click handler: browsers ignore (or penalise) permission prompts without a user gesture. */
export async function askPermission(): Promise<NotificationSupport> {
  if (notificationSupport() === "unsupported") return "unsupported";
  return await Notification.requestPermission();
}

export function outcomeText(job: Pick<KnownJob, "id" | "status" | "fileName" | "error" | "result">): {
  title: string;
  body: string;
} {
  if (job.status === "COMPLETED") {
    const fields = job.result ? Object.keys(job.result.fields).length : undefined;
    return {
      title: "Document processed",
      body: `${job.fileName}${job.result ? `: ${job.result.documentType.replace("_", " ")}` : ""}${fields !== undefined ? `, ${fields} field${fields === 1 ? "" : "s"} found` : ""}`,
    };
  }
  return {
    title: "Document could not be processed",
    body: `${job.fileName}: ${job.error?.message ?? "processing failed"}`,
  };
}

/**
 * Shows a job's outcome through the service worker (so a click opens the job even if this tab
 * is gone), only while the page is hidden: a visible page already shows the new status.
 * The tag is the one Web Push uses, so the same outcome never shows twice.
 */
export async function notifyOutcome(job: KnownJob): Promise<boolean> {
  if (document.visibilityState !== "hidden" || notificationSupport() !== "granted") return false;
  if (job.status !== "COMPLETED" && job.status !== "FAILED") return false;
  const registration = await navigator.serviceWorker.ready;
  const { title, body } = outcomeText(job);
  await registration.showNotification(title, {
    body,
    tag: `job-${job.id}`,
    icon: "/icons/icon-192.png",
    badge: "/icons/badge-96.png",
    data: { url: `/jobs/${job.id}`, jobId: job.id },
  });
  return true;
}

const urlBase64ToBytes = (value: string): Uint8Array => {
  const padded = (value + "=".repeat((4 - (value.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
};

export type PushOutcome = "subscribed" | "not-configured" | "unavailable";

/**
 * Web Push when the server has a VAPID key: subscribe this browser and store the subscription
 * for the signed-in user. A browser without a reachable push service still gets notifications
 * while a page is open.
 */
export async function subscribeWebPush(api: ApiClient): Promise<PushOutcome> {
  if (!("PushManager" in globalThis)) return "unavailable";
  const { enabled, publicKey } = await api.pushPublicKey();
  if (!enabled || !publicKey) return "not-configured";
  const registration = await navigator.serviceWorker.ready;
  try {
    const existing = await registration.pushManager.getSubscription();
    const subscription =
      existing ??
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: urlBase64ToBytes(publicKey) as BufferSource,
      }));
    const json = subscription.toJSON();
    await api.savePushSubscription({
      endpoint: json.endpoint!,
      expirationTime: json.expirationTime ?? null,
      keys: { p256dh: json.keys!.p256dh!, auth: json.keys!.auth! },
    });
    return "subscribed";
  } catch {
    return "unavailable";
  }
}

/**
 * On sign-out: this browser's subscription is removed from the server (while the session still
 * works) and from the browser, so the next user of the device does not get this user's outcomes.
 */
export async function unsubscribeWebPush(api: ApiClient): Promise<void> {
  if (!("PushManager" in globalThis) || !("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  await api.deletePushSubscription(subscription.endpoint).catch(() => undefined);
  await subscription.unsubscribe();
}
