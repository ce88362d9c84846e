/** The service worker's cache of API answers (job list, jobs, /api/me); the page deletes it on a user change. */
export const API_CACHE = "docsift-api";
