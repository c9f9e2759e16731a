/** Progress lines on stderr (stdout carries the Markdown table only), with the time since the bench started. */
const t0 = Date.now();

export function progress(text: string): void {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s] ${text}\n`);
}

export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` and returns its result with how long it took (ms). */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}
