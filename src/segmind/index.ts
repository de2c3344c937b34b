/** The Segmind HTTP client (Node): requests, error classification, response headers. */
export * from './types';
export * from './client';
export { parseResponseHeaders, parseSeed, parseResetAt } from './response-headers';
export { classifyHttpFailure } from './classify-http-failure';
export { classifyNetworkFailure } from './classify-network-failure';
export { inspectImage } from './inspect-image';
export { canReachOverFetch } from './reachable';
export { redactText, redactBytes } from './redact';
export * from './async-client';
export { downloadOutput, isPrivateHost, outputUrlProblem, DEFAULT_DOWNLOAD_LIMITS } from './output-download';
export type { DownloadLimits, DownloadResult } from './output-download';
