/**
 * At most one report per key per window, counting what it held back. A database blip turns every
 * request into a 503; one Sentry event per request would spend the quota on a single incident and
 * bury everything else, while one event a minute per kind (with the count) tells the same story.
 */
export class ReportGate {
  readonly #windowMs: number;
  readonly #lastReported = new Map<string, number>();
  readonly #heldBack = new Map<string, number>();

  /** @param windowMs @default 60_000 */
  constructor(windowMs = 60_000) {
    this.#windowMs = windowMs;
  }

  /**
   * Whether `key` may be reported now. When it may, `heldBack` is how many were held back since its
   * last report (then reset to 0); when it may not, the occurrence is counted.
   */
  admit(key: string, now = Date.now()): { report: boolean; heldBack: number } {
    const last = this.#lastReported.get(key);
    if (last !== undefined && now - last < this.#windowMs) {
      this.#heldBack.set(key, (this.#heldBack.get(key) ?? 0) + 1);
      return { report: false, heldBack: this.#heldBack.get(key) ?? 0 };
    }
    const heldBack = this.#heldBack.get(key) ?? 0;
    this.#lastReported.set(key, now);
    this.#heldBack.set(key, 0);
    return { report: true, heldBack };
  }
}
