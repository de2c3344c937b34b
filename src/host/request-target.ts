/** A request's target as the browser host routes on it. */
export interface RequestTarget {
  /** The path as it was sent, still percent-encoded: for routes that decode it themselves (/media/). */
  rawPath: string;
  /** The path decoded exactly once. */
  path: string;
  query: URLSearchParams;
}

/**
 * Reads a request target, or answers null when it cannot be read: not a URL, or a path whose
 * percent-encoding is malformed (`/%zz`, a cut-short `/%E0%A4%A`). That is the client's mistake, so the
 * host answers 400. Decoding once, here, before any route runs means no route can throw on it later
 * (a decode failure inside a route used to surface as a 500).
 */
export function readRequestTarget(url: string | undefined): RequestTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
  try {
    return {
      rawPath: parsed.pathname,
      path: decodeURIComponent(parsed.pathname),
      query: parsed.searchParams,
    };
  } catch {
    return null;
  }
}
