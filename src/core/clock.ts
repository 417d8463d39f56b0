/**
 * Today's date (UTC, `YYYY-MM-DD`) for review-by and expiry checks.
 *
 * `KEYLESS_TODAY` (environment) or the `keyless:today` context value pins it, so that tests and reproducible
 * builds do not depend on the wall clock. The date only decides whether input is accepted; it never appears in
 * synthesized output.
 */
export function today(contextValue?: unknown): string {
  const pinned = typeof contextValue === 'string' ? contextValue : process.env.KEYLESS_TODAY;
  if (pinned !== undefined && pinned !== '') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(pinned)) {
      throw new Error(`[KL-CLOCK] \`keyless:today\` / KEYLESS_TODAY is ${JSON.stringify(pinned)}: expected a date as YYYY-MM-DD.`);
    }
    return pinned;
  }
  return new Date().toISOString().slice(0, 10);
}
