/**
 * The names the preload exposes: every contract call and event, as plain strings.
 *
 * Why a list here instead of `callNames` from src/contract: the contract's names are the keys of objects
 * built from zod schemas, so importing them at run time bundles all of zod and every schema (about
 * 800 KB) into a preload that only forwards named calls (main parses every input). Here the contract is
 * imported for its types only, and `Record<CallName, true>` makes the compiler hold this list to the
 * contract exactly: a call added to the contract and missing here, or a name here that the contract does
 * not have, fails `tsc -p main` with the name in the message. test/unit/main/preload-bundle.test.ts
 * checks the built bundle against the contract at run time as well.
 *
 * Pure data, no imports at run time: the preload's ESLint layer holds this file to that.
 */
import type { CallName, EventName } from '../src/contract';

const CALLS: Record<CallName, true> = {
  'app.info': true,
  'projects.create': true,
  'projects.open': true,
  'projects.close': true,
  'projects.current': true,
  'projects.recent': true,
  'projects.forget': true,
  'projects.exportArchive': true,
  'projects.importArchive': true,
  'dialogs.pickFolder': true,
  'dialogs.pickFiles': true,
  'shell.showInFolder': true,
  'settings.get': true,
  'settings.update': true,
  'key.status': true,
  'key.set': true,
  'key.clear': true,
  'credits.get': true,
  'generation.enqueue': true,
  'generation.rerun': true,
  'jobs.list': true,
  'jobs.cancel': true,
  'jobs.resend': true,
  'jobs.dismiss': true,
  'jobs.clearFinished': true,
  'queue.resume': true,
  'batches.plan': true,
  'batches.start': true,
  'batches.list': true,
  'batches.pause': true,
  'batches.resume': true,
  'batches.cancel': true,
  'spend.summary': true,
  'presets.list': true,
  'presets.save': true,
  'presets.delete': true,
  'characters.list': true,
  'characters.get': true,
  'characters.create': true,
  'characters.update': true,
  'characters.duplicate': true,
  'characters.trash': true,
  'characters.addReferences': true,
  'characters.removeReference': true,
  'characters.promptPreview': true,
  'poses.list': true,
  'search.records': true,
  'poses.createLibrary': true,
  'poses.updateLibrary': true,
  'poses.trashLibrary': true,
  'poses.import': true,
  'poses.update': true,
  'poses.trash': true,
  'poses.exportSkeleton': true,
  'poses.addStarter': true,
  'poses.createFromSkeleton': true,
  'poses.updateSkeleton': true,
  'results.query': true,
  'results.queryIds': true,
  'results.get': true,
  'results.facets': true,
  'results.review': true,
  'results.setReviews': true,
  'results.trash': true,
  'results.cut': true,
  'results.export': true,
  'results.contactSheet': true,
  'results.refresh': true,
  'results.rebuildIndex': true,
  'trash.list': true,
  'trash.restore': true,
  'trash.empty': true,
  'tasks.cancel': true,
  'clipboard.writeText': true,
  'clipboard.writeImage': true,
  'shell.startDrag': true,
  'transfer.inspect': true,
  'transfer.copy': true,
};

const EVENTS: Record<EventName, true> = {
  'project.changed': true,
  'jobs.updated': true,
  'queue.changed': true,
  'network.changed': true,
  'credits.changed': true,
  'task.progress': true,
};

export const preloadCallNames = Object.keys(CALLS) as CallName[];

/** Own keys only: '__proto__' or 'toString' are not events. */
export const isPreloadEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, name);

/** 'projects.open' → ['projects', 'open'] (the same split as the contract's splitCallName). */
export const splitName = (name: CallName): [string, string] => {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
};
