type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined | null>;

/** Creates an element: attributes (on* are listeners, booleans toggle) and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function")
      el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  el.append(
    ...children
      .filter((c): c is Node | string | number => c !== false && c !== null && c !== undefined)
      .map((c) => (typeof c === "number" ? String(c) : c)),
  );
  return el;
}

/**
 * Keeps `container`'s children in step with `items` by key: existing rows are updated in
 * place (so focus and screen-reader position survive live updates), new ones created,
 * missing ones removed, order fixed.
 */
export function syncList<T>(
  container: HTMLElement,
  items: readonly T[],
  key: (item: T) => string,
  create: (item: T) => HTMLElement,
  update: (el: HTMLElement, item: T) => void,
): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(container.children) as HTMLElement[])
    if (child.dataset.key) existing.set(child.dataset.key, child);
  let previous: Element | null = null;
  for (const item of items) {
    const k = key(item);
    let el = existing.get(k);
    if (el) {
      existing.delete(k);
      update(el, item);
    } else {
      el = create(item);
      el.dataset.key = k;
      update(el, item);
    }
    const expectedNext: Element | null = previous ? previous.nextElementSibling : container.firstElementChild;
    if (expectedNext !== el) container.insertBefore(el, expectedNext);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
}

export const formatTime = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
