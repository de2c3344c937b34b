import type { ErrorCode } from '../domain/errors';

/**
 * The one user-facing explanation per error code, and the action that fixes it where there is one.
 * The error's own message says what happened in this instance; this says what it means and what to do.
 */
export const errorHelp: Record<ErrorCode, { title: string; action?: string }> = {
  KEY_MISSING: { title: 'No Segmind API key is set', action: 'Enter a key' },
  KEY_REJECTED: { title: 'Segmind did not accept the API key', action: 'Enter a new key' },
  CREDITS_EXHAUSTED: { title: 'Not enough Segmind credits', action: 'Add credits' },
  SPENDING_CAP: { title: 'The project’s spending cap is reached', action: 'Change the cap' },
  RATE_LIMITED: { title: 'Too many requests: Segmind asked us to wait' },
  MODEL_RETIRED: { title: 'Segmind has retired this model' },
  OUTCOME_UNKNOWN: {
    title: 'The request may have been charged, but no image arrived',
    action: 'Send again',
  },
  INVALID_INPUT: { title: 'Some values are not valid' },
  IMAGE_REJECTED: { title: 'The image could not be used' },
  PROJECT_DAMAGED: { title: 'A project file is damaged' },
  PROJECT_LOCKED: { title: 'The project is open in another window' },
  PROJECT_READ_ONLY: { title: 'The project is read-only' },
  NO_PROJECT: { title: 'No project is open', action: 'Open a project' },
  NOT_FOUND: { title: 'Not found' },
  ALREADY_EXISTS: { title: 'Already exists' },
  DISK_FULL: { title: 'The disk is full', action: 'Try again' },
  PERMISSION_DENIED: { title: 'The app is not allowed to use that file or folder' },
  IO_ERROR: { title: 'The disk could not read or write a file', action: 'Try again' },
  OFFLINE: { title: 'You are offline: the job will go out when the network is back' },
  TIMEOUT: { title: 'Segmind took too long to answer', action: 'Try again' },
  CANCELLED: { title: 'Cancelled' },
  BAD_REQUEST: { title: 'Segmind rejected the request' },
  SERVER_ERROR: { title: 'Segmind had a server error', action: 'Try again' },
  BAD_RESPONSE: { title: 'Segmind sent something that is not an image' },
  FORBIDDEN_SENDER: { title: 'Blocked a request from outside the app' },
  UNSUPPORTED: { title: 'Not available here' },
  INTERNAL: { title: 'Something went wrong inside the app', action: 'Try again' },
};
