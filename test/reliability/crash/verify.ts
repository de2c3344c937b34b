/**
 * What the crash suite checks after every kill, in two passes over the project and the user-data folder
 * the killed child shared:
 *
 * Before opening (the state exactly as the kill left it):
 * - every JSON file under its real name parses and validates with the domain schemas (a temp file may
 *   be half written; a file under its real name never may).
 *
 * Then the project is opened with the real runtime (createAppRuntime + projects.open, which settles what
 * a crash left), and:
 * - it opens, writable (the dead child's lock is taken over), with nothing put in quarantine;
 * - every JSON validates again; every interrupted change is wholly there or wholly absent: a pose is in
 *   its library.json iff its image is in the library folder, a reference image is on its character iff
 *   its file is in refs/, a receipt is in results/ iff its image is, a trash entry has moved all of
 *   what it names or none of it;
 * - no temp file is taken for data: none is left in a content folder (each was adopted whole or moved
 *   aside), and what the handlers list (characters, poses, results, the trash) is exactly what the
 *   files say (a list built from anything else, a temp file or a stale index, shows up here);
 * - the outbox, settled as the app's next start settles it (JobOutbox.load), holds only valid jobs: each
 *   job.json validates, a queued job has its input, a completed job not yet delivered has its paid image
 *   (with the recorded hash), a delivered one its result, no folder lacks its job.json, and no paid image
 *   lies beside a job that does not record it (stranded: never delivered, and offered to be paid again);
 * - every paid answer (a POST the stand-in answered 200) is in the project (results/ or the trash) or
 *   waiting in the outbox exactly once; when it is in neither, its job must be `submitting` (the kill
 *   came before the answer was kept; it becomes `unknown` and the person decides) or it is lost;
 * - no job was POSTed twice (each job's seed is unique and the worker never resends);
 * - files exported by the child are whole (images decode, receipts parse).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { PresetsFileSchema } from '../../../src/library/workspace/preset-store';
import {
  CharacterSchema,
  JobSchema,
  PoseLibrarySchema,
  ProjectFileSchema,
  RecentProjectSchema,
  ResultSchema,
  SettingsSchema,
  type Job,
  type PoseLibrary,
  type Result,
} from '../../../src/domain';
import { targetOfTempName } from '../../../src/library/atomic-write';
import { parseIndexFile } from '../../../src/library/workspace/result-index-file';
import { TrashEntryFileSchema } from '../../../src/library/workspace/trash-store';
import { CHANGES_FILE_NAME, readPoseLibrary } from '../../../src/library/workspace/pose-library-file';
import { JobOutbox } from '../../../src/jobs/outbox';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import type { PostRecord } from '../common/paid-front';

export type Category =
  | 'corrupt'
  | 'torn'
  | 'temp-taken'
  | 'stale-view'
  | 'outbox'
  | 'lost'
  | 'duplicated'
  | 'stranded'
  | 'double-post'
  | 'export';

export interface Finding {
  category: Category;
  /** Stable across kills, so a finding that stays is counted once. */
  key: string;
  detail: string;
}

export interface Notes {
  leftoversMovedAside: number;
  unknownOutcomes: number;
  /** Job folders without job.json (the kill came between the sheet and the job). */
  orphanJobFolders: number;
  /** Paid images the kill left before their job recorded them, completed by the settle at start. */
  paidImagesRecovered: number;
  /** Temp files outside the content folders: the cache's (.studio) and exports'. */
  strayTemps: string[];
  paidAnswers: number;
  posts: number;
  results: number;
}

export interface LaneDirs {
  projectDir: string;
  userDataDir: string;
  exportDirs: string[];
}

const RecentFileSchema = z.object({ projects: z.array(RecentProjectSchema.omit({ exists: true })) });
const ID = /^[a-z0-9]{8,40}$/;
const isTemp = (name: string): boolean => targetOfTempName(name) !== undefined;

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

/** Every file under `dir` (relative, `/`-separated), folders walked, links not followed. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(dir, rel)));
    else out.push(rel);
  }
  return out;
}

/** Which schema a project JSON file is read with, from its path; undefined for files the app does not read as data. */
function schemaFor(rel: string): z.ZodType | 'index' | undefined {
  if (rel === 'project.json') return ProjectFileSchema;
  if (rel === 'presets.json') return PresetsFileSchema;
  if (rel === '.studio/index.json') return 'index';
  const inTrash = /^trash\/[a-z0-9]{8,40}\/files\/(.*)$/.exec(rel);
  const path = inTrash ? (inTrash[1] ?? '') : rel;
  if (/^characters\/[a-z0-9]{8,40}\/character\.json$/.test(path)) return CharacterSchema;
  if (/^poses\/[a-z0-9]{8,40}\/library\.json$/.test(path)) return PoseLibrarySchema;
  if (/^results\/[a-z0-9]{8,40}\.json$/.test(path)) return ResultSchema;
  if (/^trash\/[a-z0-9]{8,40}\/entry\.json$/.test(rel)) return TrashEntryFileSchema;
  return undefined;
}

async function parseWith(file: string, schema: z.ZodType | 'index'): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? undefined
      : `unreadable (${(error as Error).message})`;
  }
  if (schema === 'index') return parseIndexFile(text) ? undefined : 'the results index does not parse';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message}; ${text.length} chars)`;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? undefined
    : `does not validate: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`;
}

/** Every JSON file under its real name, in the project and the user-data folder, parses and validates. */
export async function checkJson(dirs: LaneDirs, findings: Finding[], when: string): Promise<void> {
  for (const rel of await walk(dirs.projectDir)) {
    if (rel.startsWith('.studio/leftovers/') || rel.startsWith('.studio/quarantine/')) continue;
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (isTemp(name)) continue;
    const schema = schemaFor(rel);
    if (!schema) continue;
    const problem = await parseWith(join(dirs.projectDir, rel), schema);
    if (problem)
      findings.push({ category: 'corrupt', key: `json ${rel}`, detail: `${when}: ${rel} ${problem}` });
  }
  const userData: [string, z.ZodType][] = [
    ['settings.json', SettingsSchema],
    ['recent-projects.json', RecentFileSchema],
  ];
  for (const id of await list(join(dirs.userDataDir, 'outbox'))) {
    if (ID.test(id)) userData.push([`outbox/${id}/job.json`, JobSchema]);
  }
  for (const [rel, schema] of userData) {
    const problem = await parseWith(join(dirs.userDataDir, rel), schema);
    if (problem)
      findings.push({
        category: 'corrupt',
        key: `user-data ${rel}`,
        detail: `${when}: user-data/${rel} ${problem}`,
      });
  }
}

interface Receipts {
  /** Live receipts in results/, by id. */
  live: Map<string, Result>;
  /** Receipts of trashed results, by id. */
  trashed: Map<string, Result>;
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A pose library as the app reads it: library.json with its log of changes applied (a line a crash tore
 * at the log's end is no change; a damaged line before it is a finding).
 */
async function readLibrary(
  root: string,
  id: string,
  torn?: (key: string, detail: string) => void,
): Promise<PoseLibrary | undefined> {
  const read = await readPoseLibrary(join(root, 'poses', id, 'library.json'), PoseLibrarySchema);
  if (read.ok) return read.value;
  if (!read.missing && read.damagedFile?.endsWith(CHANGES_FILE_NAME))
    torn?.(`pose-log ${id}`, `library ${id}: ${read.reason}`);
  return undefined;
}

/** The structural checks on the opened (settled) project. */
async function checkProject(dirs: LaneDirs, findings: Finding[], notes: Notes): Promise<Receipts> {
  const root = dirs.projectDir;
  const torn = (key: string, detail: string) => findings.push({ category: 'torn', key, detail });

  // Characters and their reference images.
  for (const id of (await list(join(root, 'characters'))).filter((n) => ID.test(n))) {
    const character = await readJson(join(root, 'characters', id, 'character.json'), CharacterSchema);
    if (!character) continue; // checkJson reports a bad one; a missing one is a leftover folder
    const files = new Set((await list(join(root, 'characters', id, 'refs'))).filter((n) => !isTemp(n)));
    for (const image of character.referenceImages) {
      const name = image.file.slice(image.file.lastIndexOf('/') + 1);
      if (!files.delete(name))
        torn(
          `ref-missing ${image.file}`,
          `character ${id} lists reference ${image.file}, which is not there`,
        );
    }
    for (const name of files)
      torn(
        `ref-orphan ${id}/${name}`,
        `characters/${id}/refs/${name} is on no character (an image without its record)`,
      );
  }

  // Pose libraries and their images.
  for (const id of (await list(join(root, 'poses'))).filter((n) => ID.test(n))) {
    const library = await readLibrary(root, id, torn);
    if (!library) continue;
    const files = new Set(
      (await list(join(root, 'poses', id))).filter(
        (n) => n !== 'library.json' && n !== CHANGES_FILE_NAME && !isTemp(n),
      ),
    );
    for (const pose of library.poses) {
      const name = pose.image.file.slice(pose.image.file.lastIndexOf('/') + 1);
      if (!files.delete(name))
        torn(
          `pose-missing ${pose.id}`,
          `library ${id} lists pose ${pose.id} (“${pose.name}”) whose image ${pose.image.file} is not there`,
        );
    }
    for (const name of files)
      torn(
        `pose-orphan ${id}/${name}`,
        `poses/${id}/${name} is in no pose of its library (an image without its pose)`,
      );
  }

  // Results: a receipt iff its image.
  const live = new Map<string, Result>();
  const names = await list(join(root, 'results'));
  const present = new Set(names);
  for (const name of names) {
    if (isTemp(name)) continue;
    const m = /^([a-z0-9]{8,40})\.json$/.exec(name);
    if (m) {
      const result = await readJson(join(root, 'results', name), ResultSchema);
      if (!result) continue;
      live.set(m[1] ?? '', result);
      if (!present.has(result.file.slice('results/'.length)))
        torn(`receipt-without-image ${name}`, `results/${name} names ${result.file}, which is not there`);
      continue;
    }
    const image = /^([a-z0-9]{8,40})\.[a-z0-9]{2,5}$/.exec(name);
    if (image && !present.has(`${image[1]}.json`))
      torn(`image-without-receipt ${name}`, `results/${name} has no receipt`);
  }

  // The trash: each entry has moved all it names or none of it; trashed receipts are kept for the paid check.
  const trashed = new Map<string, Result>();
  for (const id of (await list(join(root, 'trash'))).filter((n) => ID.test(n))) {
    const entry = await readJson(join(root, 'trash', id, 'entry.json'), TrashEntryFileSchema);
    if (!entry) continue;
    const moved: string[] = [];
    const stayed: string[] = [];
    for (const rel of entry.moves) {
      if (await exists(join(root, 'trash', id, 'files', ...rel.split('/')))) moved.push(rel);
      else if (await exists(join(root, ...rel.split('/')))) stayed.push(rel);
    }
    if (moved.length > 0 && stayed.length > 0) {
      torn(
        `trash-partial ${id}`,
        `trash entry ${id} (${entry.kind} “${entry.label}”) holds ${moved.join(', ')} but ${stayed.join(', ')} is still in the project`,
      );
    }
    if (entry.kind === 'results') {
      for (const rid of entry.refs.results) {
        const result = await readJson(
          join(root, 'trash', id, 'files', 'results', `${rid}.json`),
          ResultSchema,
        );
        if (!result) continue;
        trashed.set(rid, result);
        if (!(await exists(join(root, 'trash', id, 'files', ...result.file.split('/')))) && !live.has(rid)) {
          torn(
            `trashed-receipt-without-image ${rid}`,
            `trash entry ${id} holds the receipt of ${rid} but not its image ${result.file}`,
          );
        }
      }
    }
  }

  // Temp files: none left in a content folder after opening (each was adopted whole or moved aside).
  for (const rel of await walk(root)) {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (!isTemp(name) && !name.endsWith('.tmp')) continue;
    if (rel.startsWith('.studio/leftovers/') || rel.startsWith('.studio/quarantine/')) continue;
    if (rel.startsWith('.studio/')) notes.strayTemps.push(rel);
    else
      findings.push({
        category: 'temp-taken',
        key: `temp ${rel}`,
        detail: `${rel} is still there after the project opened`,
      });
  }
  return { live, trashed };
}

/** What the handlers show is exactly what the files say (nothing taken from a temp file, nothing missed). */
async function checkViews(
  handlers: Parameters<typeof dispatchCall>[0],
  dirs: LaneDirs,
  receipts: Receipts,
  findings: Finding[],
): Promise<void> {
  const root = dirs.projectDir;
  const mismatch = (what: string, shown: Iterable<string>, onDisk: Iterable<string>) => {
    const a = new Set(shown);
    const b = new Set(onDisk);
    const extra = [...a].filter((x) => !b.has(x));
    const missing = [...b].filter((x) => !a.has(x));
    if (extra.length || missing.length) {
      findings.push({
        category: 'stale-view',
        key: `view ${what} ${extra.join(',')} ${missing.join(',')}`,
        detail: `${what}: listed but not on disk [${extra.join(', ')}], on disk but not listed [${missing.join(', ')}]`,
      });
    }
  };
  const characters = await dispatchCall(handlers, 'characters.list', {});
  const characterIds: string[] = [];
  for (const id of (await list(join(root, 'characters'))).filter((n) => ID.test(n))) {
    if (await readJson(join(root, 'characters', id, 'character.json'), CharacterSchema))
      characterIds.push(id);
  }
  if (characters.ok)
    mismatch(
      'characters.list',
      (characters.value as { characters: { id: string }[] }).characters.map((c) => c.id),
      characterIds,
    );
  else
    findings.push({
      category: 'corrupt',
      key: 'characters.list',
      detail: `characters.list failed: ${characters.error.code} ${characters.error.message}`,
    });

  const poses = await dispatchCall(handlers, 'poses.list', {});
  const poseIds: string[] = [];
  for (const id of (await list(join(root, 'poses'))).filter((n) => ID.test(n))) {
    const library = await readLibrary(root, id);
    if (library) poseIds.push(...library.poses.map((p) => `${id}/${p.id}`));
  }
  if (poses.ok) {
    const shown = (poses.value as { libraries: { id: string; poses: { id: string }[] }[] }).libraries.flatMap(
      (l) => l.poses.map((p) => `${l.id}/${p.id}`),
    );
    mismatch('poses.list', shown, poseIds);
  } else
    findings.push({
      category: 'corrupt',
      key: 'poses.list',
      detail: `poses.list failed: ${poses.error.code} ${poses.error.message}`,
    });

  const results = await dispatchCall(handlers, 'results.queryIds', {});
  if (results.ok)
    mismatch('results.queryIds', (results.value as { ids: string[] }).ids, receipts.live.keys());
  else
    findings.push({
      category: 'corrupt',
      key: 'results.queryIds',
      detail: `results.queryIds failed: ${results.error.code} ${results.error.message}`,
    });

  const trash = await dispatchCall(handlers, 'trash.list', {});
  if (trash.ok) {
    const dirsOnDisk = new Set((await list(join(root, 'trash'))).filter((n) => ID.test(n)));
    for (const entry of (trash.value as { entries: { id: string }[] }).entries) {
      if (!dirsOnDisk.has(entry.id))
        findings.push({
          category: 'stale-view',
          key: `trash-view ${entry.id}`,
          detail: `trash.list shows ${entry.id}, which is not on disk`,
        });
    }
  } else
    findings.push({
      category: 'corrupt',
      key: 'trash.list',
      detail: `trash.list failed: ${trash.error.code} ${trash.error.message}`,
    });
}

interface OutboxJob {
  job: Job;
  files: string[];
}

/**
 * Settles the outbox as the app's next start does (JobOutbox.load: the killed child owned it; the
 * verifier's runtime runs no queue, so it would not). A paid image that arrived before the kill completes
 * its job there, and an enqueue cut short is cleared away; what the kill left is counted first.
 */
async function settleOutbox(dirs: LaneDirs, findings: Finding[], notes: Notes): Promise<void> {
  const outbox = join(dirs.userDataDir, 'outbox');
  for (const name of await list(outbox)) {
    const files = await list(join(outbox, name));
    if (/^\.enqueue-/.test(name)) notes.orphanJobFolders++;
    else if (ID.test(name) && !files.includes('job.json') && files.some((f) => !isTemp(f)))
      notes.orphanJobFolders++;
  }
  try {
    notes.paidImagesRecovered += (await new JobOutbox(outbox).load()).recovered.length;
  } catch (error) {
    findings.push({
      category: 'outbox',
      key: 'outbox load',
      detail: `the outbox does not load: ${(error as Error).message}`,
    });
  }
}

async function readOutbox(dirs: LaneDirs, findings: Finding[]): Promise<OutboxJob[]> {
  const out: OutboxJob[] = [];
  const outbox = join(dirs.userDataDir, 'outbox');
  for (const name of (await list(outbox)).filter((n) => /^\.enqueue-/.test(n)))
    findings.push({
      category: 'outbox',
      key: `staged ${name}`,
      detail: `${name}: an unfinished enqueue is still there after the outbox was loaded`,
    });
  for (const id of (await list(outbox)).filter((n) => ID.test(n))) {
    const files = await list(join(outbox, id));
    if (!files.includes('job.json')) {
      if (files.some((f) => !isTemp(f)))
        findings.push({
          category: 'outbox',
          key: `job ${id} without job.json`,
          detail: `outbox folder ${id} has no job.json after the outbox was loaded: ${files.join(', ')}`,
        });
      continue;
    }
    const job = await readJson(join(outbox, id, 'job.json'), JobSchema);
    if (!job) continue; // reported by checkJson
    out.push({ job, files });
    const bad = (what: string) =>
      findings.push({
        category: 'outbox',
        key: `job ${id} ${what}`,
        detail: `outbox job ${id} (${job.state}): ${what}`,
      });
    const input = `input.${job.sentImage.format === 'jpeg' ? 'jpg' : job.sentImage.format}`;
    if ((job.state === 'queued' || job.state === 'submitting') && !files.includes(input))
      bad(`has no ${input}`);
    if (job.state === 'completed' && !job.output) bad('is completed without an output');
    if (job.output && !job.resultId) {
      if (job.state !== 'completed') bad('has an output but is not completed');
      if (!files.includes(job.output.file)) bad(`its paid image ${job.output.file} is missing`);
      else {
        const bytes = await readFile(join(outbox, id, job.output.file));
        if (createHash('sha256').update(bytes).digest('hex') !== job.output.sha256)
          bad(`its paid image ${job.output.file} is not the one recorded`);
      }
    }
    // A paid image in the job's folder that its job.json never recorded (the kill came between writing the
    // image and recording it): the job is `unknown` to the app, which will never deliver the image and
    // invites the person to pay for it again.
    const output = files.find((f) => f.startsWith('output.') && !isTemp(f));
    if (!job.output && output) {
      findings.push({
        category: 'stranded',
        key: `stranded ${id}`,
        detail: `outbox job ${id} is ${job.state} without an output, but its paid image ${output} is in its folder`,
      });
    }
  }
  return out;
}

/** Every paid answer once; no job twice. `traces` finds where a lost result's files went, for the report. */
function checkPaid(
  posts: readonly PostRecord[],
  jobs: OutboxJob[],
  receipts: Receipts,
  findings: Finding[],
  notes: Notes,
  traces: readonly string[],
): void {
  const bySeed = new Map<number, Job>();
  for (const { job } of jobs) if (typeof job.params.seed === 'number') bySeed.set(job.params.seed, job);
  const postsBySeed = new Map<number, PostRecord[]>();
  for (const post of posts) {
    if (post.seed === null) continue;
    postsBySeed.set(post.seed, [...(postsBySeed.get(post.seed) ?? []), post]);
  }
  for (const [seed, list] of postsBySeed) {
    if (list.length > 1) {
      findings.push({
        category: 'double-post',
        key: `seed ${seed}`,
        detail: `the job with seed ${seed} (${bySeed.get(seed)?.id ?? 'no job'}) was POSTed ${list.length} times`,
      });
    }
  }
  const generated = (map: Map<string, Result>) => [...map.values()].filter((r) => !r.cutFrom);
  const inProject = [...generated(receipts.live), ...generated(receipts.trashed)];
  notes.posts += posts.length;
  for (const post of posts) {
    if (post.status !== 200) continue;
    notes.paidAnswers++;
    const id = post.requestId;
    // Where it is kept, by result id: a job's result takes the job's id, so an image committed and also
    // still waiting in its job's folder (the kill came before the job recorded it) is one result.
    const places = new Map<string, string>();
    for (const r of inProject)
      if (id !== undefined && r.receipt.response.headers.requestId === id) places.set(r.id, `result ${r.id}`);
    for (const { job } of jobs) {
      if (
        job.output &&
        !job.resultId &&
        id !== undefined &&
        job.output.headers.requestId === id &&
        !places.has(job.id)
      ) {
        places.set(job.id, `outbox ${job.id}`);
      }
    }
    const job = post.seed === null ? undefined : bySeed.get(post.seed);
    if (places.size === 1) continue;
    if (places.size > 1) {
      findings.push({
        category: 'duplicated',
        key: `paid ${id}`,
        detail: `the paid answer ${id} (seed ${post.seed}) is kept ${places.size} times: ${[...places.values()].join(', ')}`,
      });
      continue;
    }
    if (job && (job.state === 'submitting' || job.state === 'unknown') && !job.output) {
      notes.unknownOutcomes++; // a stranded image beside it is reported by readOutbox
      continue;
    }
    const resultId = job?.resultId ?? job?.id;
    const where = resultId ? traces.filter((rel) => rel.includes(resultId)) : [];
    findings.push({
      category: 'lost',
      key: `paid ${id}`,
      detail: `the paid answer ${id} (seed ${post.seed}) is in neither the project nor the outbox; its job is ${job ? `${job.id} ${job.state}${job.resultId ? ` resultId ${job.resultId}` : ''}` : 'gone'}; files by its id: ${where.length ? where.join(', ') : 'none'}`,
    });
  }
  notes.results += inProject.length;
}

/** Exported files are whole: never a half image under its final name. */
async function checkExports(dirs: LaneDirs, findings: Finding[], notes: Notes): Promise<void> {
  for (const dir of dirs.exportDirs) {
    for (const name of await list(dir)) {
      const file = join(dir, name);
      if (name.endsWith('.tmp')) {
        notes.strayTemps.push(`export ${name}`);
        continue;
      }
      if (name.endsWith('.json')) {
        const ok = await readFile(file, 'utf8')
          .then((t) => (JSON.parse(t) as unknown, true))
          .catch(() => false);
        if (!ok)
          findings.push({
            category: 'export',
            key: `export ${file}`,
            detail: `exported receipt ${name} does not parse`,
          });
        continue;
      }
      const ok = await sharp(file, { failOn: 'error' })
        .raw()
        .toBuffer()
        .then(
          () => true,
          () => false,
        );
      if (!ok)
        findings.push({
          category: 'export',
          key: `export ${file}`,
          detail: `exported image ${name} does not decode`,
        });
    }
  }
}

/**
 * The whole check after one kill. `posts` are the stand-in's answers since the lane's project was made.
 */
export async function verifyAfterKill(
  dirs: LaneDirs,
  posts: readonly PostRecord[],
): Promise<{ findings: Finding[]; notes: Notes }> {
  const findings: Finding[] = [];
  const notes: Notes = {
    leftoversMovedAside: 0,
    unknownOutcomes: 0,
    orphanJobFolders: 0,
    paidImagesRecovered: 0,
    strayTemps: [],
    paidAnswers: 0,
    posts: 0,
    results: 0,
  };
  await checkJson(dirs, findings, 'as the kill left it');
  await settleOutbox(dirs, findings, notes);

  const runtime = await createAppRuntime({
    userDataDir: dirs.userDataDir,
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'crash-suite-verifier',
    runQueue: false,
  });
  try {
    const opened = await dispatchCall(runtime.handlers, 'projects.open', { dir: dirs.projectDir });
    if (!opened.ok) {
      findings.push({
        category: 'corrupt',
        key: `open ${opened.error.code}`,
        detail: `the project does not open: ${opened.error.code} ${opened.error.message}`,
      });
      return { findings, notes };
    }
    const summary = opened.value as {
      readOnly: boolean;
      readOnlyReason?: string;
      problems: { file: string; reason: string; quarantinedAs?: string }[];
    };
    if (summary.readOnly)
      findings.push({
        category: 'corrupt',
        key: 'read-only',
        detail: `the project opened read-only: ${summary.readOnlyReason}`,
      });
    for (const problem of summary.problems) {
      if (problem.quarantinedAs?.startsWith('.studio/leftovers/')) notes.leftoversMovedAside++;
      else
        findings.push({
          category: 'corrupt',
          key: `problem ${problem.file}`,
          detail: `problem on open: ${problem.file}: ${problem.reason}`,
        });
    }
    await checkJson(dirs, findings, 'after opening');
    const receipts = await checkProject(dirs, findings, notes);
    await checkViews(runtime.handlers, dirs, receipts, findings);
    const jobs = await readOutbox(dirs, findings);
    checkPaid(posts, jobs, receipts, findings, notes, await walk(dirs.projectDir));
    await checkExports(dirs, findings, notes);
  } finally {
    await runtime.dispose();
  }
  return { findings, notes };
}
