/**
 * One valid input per contract call, built from what the fuzzed project holds now, for the mutations to
 * start from (an input one step away from valid reaches deeper than random noise). Paths a valid input
 * writes to are inside the suite's sandbox.
 */
import type { CallName } from '../../../src/contract';
import { consistentCharacterV1 as v1 } from '../../../src/models';

export interface FuzzState {
  characterId: string;
  referenceImageId: string;
  libraryId: string;
  poseId: string;
  resultId: string;
  cutId: string;
  trashId: string;
  jobId: string;
  presetName: string;
  projectDir: string;
  /** A fresh folder name inside the sandbox for each use. */
  freshDir: () => string;
  /** A small valid PNG, base64. */
  pngBase64: string;
  /** An image file on disk inside the sandbox. */
  imagePath: string;
}

type Template = (s: FuzzState) => unknown;

export const TEMPLATES: Record<CallName, Template> = {
  'app.info': () => ({}),
  'projects.create': (s) => ({ dir: s.freshDir(), name: 'Fuzz project' }),
  'projects.open': (s) => ({ dir: s.projectDir }),
  'projects.close': () => ({}),
  'projects.current': () => ({}),
  'projects.recent': () => ({}),
  'projects.forget': (s) => ({ path: s.freshDir() }),
  'projects.exportArchive': (s) => ({ file: `${s.freshDir()}.zip` }),
  'projects.importArchive': (s) => ({ file: s.imagePath, dir: s.freshDir() }),
  'dialogs.pickFolder': () => ({ title: 'Pick', forCreate: true }),
  'dialogs.pickFiles': () => ({ title: 'Pick', images: true }),
  'shell.showInFolder': () => ({ file: 'project.json' }),
  'settings.get': () => ({}),
  'settings.update': () => ({ requestsPerMinute: 600, concurrency: 2 }),
  'key.status': () => ({}),
  'key.set': () => ({ key: 'SG_0123456789abcdef' }),
  'key.clear': () => ({}),
  'credits.get': () => ({}),
  'generation.enqueue': (s) => ({
    modelId: v1.id,
    characterId: s.characterId,
    poseId: s.poseId,
    params: { seed: 42, upscale_by: 1, num_inference_steps: 4 },
  }),
  'generation.rerun': (s) => ({ resultId: s.resultId, seed: 'new' }),
  'jobs.list': () => ({}),
  'jobs.cancel': (s) => ({ id: s.jobId }),
  'jobs.resend': (s) => ({ id: s.jobId }),
  'jobs.dismiss': (s) => ({ id: s.jobId }),
  'jobs.clearFinished': () => ({}),
  'queue.resume': () => ({}),
  'batches.plan': (s) => ({
    modelIds: [v1.id],
    characterIds: [s.characterId],
    poseIds: [s.poseId],
    seeds: { count: 2 },
    params: {},
  }),
  'batches.start': (s) => ({
    modelIds: [v1.id],
    characterIds: [s.characterId],
    poseIds: [s.poseId],
    seeds: [42],
    params: { upscale_by: 1, num_inference_steps: 4 },
  }),
  'batches.list': () => ({}),
  'batches.pause': (s) => ({ id: s.jobId }),
  'batches.resume': (s) => ({ id: s.jobId }),
  'batches.cancel': (s) => ({ id: s.jobId }),
  'spend.summary': () => ({}),
  'presets.list': () => ({}),
  'presets.save': (s) => ({ name: s.presetName, modelId: v1.id, params: { num_inference_steps: 10 } }),
  'presets.delete': (s) => ({ name: s.presetName }),
  'characters.list': () => ({}),
  'characters.get': (s) => ({ id: s.characterId }),
  'characters.create': () => ({
    name: 'Fuzz',
    description: 'a fox',
    styleWords: 'ink',
    negativePrompt: '',
    tags: ['a'],
    notes: '',
    colorLabel: 'red',
  }),
  'characters.update': (s) => ({ id: s.characterId, changes: { name: 'Mira', tags: ['x'] } }),
  'characters.duplicate': (s) => ({ id: s.characterId, name: 'Copy' }),
  'characters.trash': (s) => ({ id: s.characterId }),
  'characters.addReferences': (s) => ({
    id: s.characterId,
    sources: [{ name: 'ref.png', dataBase64: s.pngBase64 }],
    taskId: 'fuzz-task',
  }),
  'characters.removeReference': (s) => ({ id: s.characterId, imageId: s.referenceImageId }),
  'characters.promptPreview': (s) => ({
    characterId: s.characterId,
    draft: { description: 'x' },
    modelId: v1.id,
  }),
  'poses.list': () => ({}),
  'search.records': () => ({ text: 'mira walk', limit: 5 }),
  'poses.createLibrary': () => ({ name: 'Fuzz library', tags: ['t'] }),
  'poses.updateLibrary': (s) => ({ id: s.libraryId, name: 'Renamed', tags: [] }),
  'poses.trashLibrary': (s) => ({ id: s.libraryId }),
  'poses.import': (s) => ({
    libraryId: s.libraryId,
    sources: [{ path: s.imagePath }, { name: 'up.png', dataBase64: s.pngBase64 }],
    taskId: 'fuzz-import',
  }),
  'poses.update': (s) => ({
    poseId: s.poseId,
    changes: {
      name: 'Arms up',
      tags: ['t'],
      kind: 'sheet',
      figures: [{ x: 0, y: 0, width: 10, height: 10 }],
    },
  }),
  'poses.trash': (s) => ({ poseIds: [s.poseId] }),
  'poses.exportSkeleton': (s) => ({ poseId: s.poseId, normalised: true }),
  'poses.addStarter': (s) => ({ libraryId: s.libraryId, keys: ['standing-front'], taskId: 'fuzz-starter' }),
  'poses.createFromSkeleton': (s) => ({
    libraryId: s.libraryId,
    name: 'Fuzz sheet',
    skeleton: {
      canvas: { width: 64, height: 64 },
      figures: [{ body: Array.from({ length: 18 }, (_, i) => ({ x: 10 + i, y: 5 + 3 * i })) }],
    },
  }),
  'poses.updateSkeleton': (s) => ({
    poseId: s.poseId,
    skeleton: {
      canvas: { width: 64, height: 64 },
      figures: [{ body: Array.from({ length: 18 }, (_, i) => (i % 3 ? null : { x: 30, y: 2 * i + 10 })) }],
    },
  }),
  'results.query': () => ({
    filter: { minRating: 0, text: 'a', source: 'all', stackCuts: true },
    sort: 'rating',
    offset: 0,
    limit: 50,
  }),
  'results.queryIds': () => ({ filter: { flags: ['pick'] }, sort: 'oldest' }),
  'results.get': (s) => ({ id: s.resultId }),
  'results.facets': () => ({ filter: { tags: ['a'] } }),
  'results.review': (s) => ({
    ids: [s.resultId],
    rating: 3,
    flag: 'pick',
    addTags: ['good'],
    removeTags: ['bad'],
  }),
  'results.setReviews': (s) => ({ items: [{ id: s.resultId, rating: 0, flag: 'none', tags: [] }] }),
  'results.trash': (s) => ({ ids: [s.cutId] }),
  'results.cut': (s) => ({ id: s.resultId, figures: [0], padding: 4, again: true, taskId: 'fuzz-cut' }),
  'results.export': (s) => ({
    ids: [s.resultId],
    dir: s.freshDir(),
    includeReceipt: true,
    format: 'png',
    taskId: 'fuzz-export',
  }),
  'results.contactSheet': (s) => ({
    ids: [s.resultId],
    file: `${s.freshDir()}.png`,
    columns: 2,
    cellSize: 64,
    background: '#fff',
    overwrite: false,
  }),
  'results.refresh': () => ({}),
  'results.rebuildIndex': () => ({}),
  'trash.list': () => ({}),
  'trash.restore': (s) => ({ id: s.trashId }),
  'trash.empty': (s) => ({ ids: [s.trashId] }),
  'tasks.cancel': () => ({ taskId: 'fuzz-task' }),
  'clipboard.writeText': () => ({ text: 'Steps: 4, Seed: 42' }),
  'clipboard.writeImage': (s) => ({ file: `results/${s.resultId}.jpg` }),
  'shell.startDrag': (s) => ({ files: [`results/${s.resultId}.jpg`] }),
  'transfer.inspect': (s) => ({ dir: s.freshDir() }),
  'transfer.copy': (s) => ({ dir: s.freshDir(), characterIds: [s.characterId] }),
};
