import { rmdir } from 'node:fs/promises';
import {
  AppError,
  PoseLibrarySchema,
  PoseSchema,
  isAppError,
  newId,
  nowIso,
  type Box,
  type Pose,
  type PoseLibrary,
  type ProjectProblem,
  type StoredImage,
} from '../../domain';
import type {
  ImageSource,
  ImportDuplicate,
  ImportFailure,
  PoseLibraryView,
  PoseView,
} from '../../contract/calls/workspace';
import { findFigures, findFiguresInPixels, type DecodedPixels, type ImageFacts } from '../../images';
import { fsyncFolder, writeFileAtomic } from '../atomic-write';
import { makeFolderInside } from '../contained-fs';
import { writeJsonKeepingUnknown } from '../json-file';
import {
  appendPoseLibraryChange,
  applyPoseLibraryChange,
  compactPoseLibraryIfLarge,
  PoseLibraryReader,
  type PoseLibraryChange,
} from './pose-library-file';
import { CommitBatches } from './commit-batches';
import { guardWrite, removeQuietly, toProjectPath } from './fs-utils';
import { whileInFlight } from './in-flight';
import { readIdFolders } from './read-id-folders';
import { makeThumbQuietly, type DuplicateOf, type Inspected, type IntakeItem } from './image-intake';
import { expandSources, importImages, placeImage } from './image-import';
import { thumbPathFor } from './paths';
import { viewImage } from './character-store';
import { skeletonBoxes, skeletonSources, type DrawnPose, type SkeletonIntake } from './skeleton-sources';
import type { TaskControl } from './task-control';
import { withLocks, type TrashedPosesPayload } from './trash-records';
import type { CatalogStoreContext } from './store-context';

export const viewPose = (pose: Pose, libraryId: string): PoseView => ({
  ...pose,
  image: viewImage(pose.image),
  libraryId,
});
export const viewLibrary = (library: PoseLibrary): PoseLibraryView => ({
  ...library,
  poses: library.poses.map((p) => viewPose(p, library.id)),
});

/**
 * Where an import puts its poses: the id of a library that exists, or a new library that is made only
 * together with its first accepted pose, so an import that accepts nothing leaves the project unchanged.
 */
export type PoseImportTarget = string | { newLibrary: { name: string; tags?: string[] | undefined } };

export interface PoseImportResult {
  libraryId: string;
  total: number;
  imported: PoseView[];
  duplicates: ImportDuplicate[];
  failed: ImportFailure[];
  skipped: { file: string; reason: string }[];
  cancelled: boolean;
}

// Kept importable from here, where it always was; it lives with the other trash records.
export { TrashedPosesPayloadSchema } from './trash-records';

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

/** A pose's default name: its file name without the extension. */
const poseNameFrom = (fileName: string): string =>
  (fileName.replace(/\.[^.]+$/, '').trim() || fileName).slice(0, 200);

/**
 * Two or more figures make a sheet. A picture the detector cannot read counts as a single pose. From
 * the pixels the import's check decoded when there are any (the same boxes: findFiguresInPixels).
 */
async function figuresOf(bytes: Uint8Array, facts: ImageFacts, pixels?: DecodedPixels): Promise<Box[]> {
  try {
    return pixels ? await findFiguresInPixels(pixels, facts) : await findFigures(bytes);
  } catch (error) {
    console.warn('[ccstudio] figure detection failed:', (error as Error).message);
    return [];
  }
}

/**
 * Pose libraries: poses/<libraryId>/library.json holding the library and its poses, its log of changes
 * since it was last written whole (library.changes.jsonl, see pose-library-file.ts), and the pose images
 * beside them as <imageId>.<ext>. Every change is made under that library's lock and appended to the log.
 */
export class PoseLibraryStore {
  /** The libraries as last read, kept while their files are unchanged (pose-library-file.ts). */
  readonly reader = new PoseLibraryReader();

  constructor(private readonly ws: CatalogStoreContext) {}

  private get layout() {
    return this.ws.project.layout;
  }

  async readAll(): Promise<{ libraries: PoseLibrary[]; problems: ProjectProblem[] }> {
    const { items, problems } = await readIdFolders(
      this.ws.project,
      this.layout.posesDir,
      (id) => this.layout.poseLibraryFile(id),
      PoseLibrarySchema,
      undefined,
      (file, schema) => this.reader.read(file, schema),
    );
    return { libraries: items.sort(byName), problems };
  }

  async get(id: string): Promise<PoseLibrary> {
    return (await this.read(id)).library;
  }

  /** The library as its files say (pose-library-file.ts), with what a change needs to fold the log in. */
  private async read(id: string): Promise<{ library: PoseLibrary; raw: unknown; baseBytes: number }> {
    const file = this.layout.poseLibraryFile(id);
    const result = await this.reader.read(file, PoseLibrarySchema);
    if (result.ok)
      return { library: { ...result.value, id }, raw: result.raw, baseBytes: result.baseBytes ?? 0 };
    if (result.missing) throw libraryNotFound();
    await this.ws.project.quarantine(result.damagedFile ?? file, result.reason);
    throw new AppError(
      'PROJECT_DAMAGED',
      `This pose library’s file was damaged (${result.reason}); it was moved to quarantine.`,
    );
  }

  /**
   * One change to a library, one at a time per library: `makeChange` sees the library as it is and
   * answers the change (or undefined for none), which is appended to the library's log (a line, not the
   * whole library: pose-library-file.ts); the log is folded into library.json once it has grown larger
   * than it. Answers the library after the change.
   */
  change(
    id: string,
    makeChange: (library: PoseLibrary) => Omit<PoseLibraryChange, 'updatedAt'> | undefined,
  ): Promise<PoseLibrary> {
    return this.ws.locks.run(`library:${id}`, async () => {
      const { library, raw, baseBytes } = await this.read(id);
      const wanted = makeChange(library);
      if (!wanted) return library;
      const change: PoseLibraryChange = { ...wanted, updatedAt: nowIso() };
      // Only what changes is validated (the rest was, when it was read): the poses put, the fields set.
      change.put = change.put?.map((pose) => PoseSchema.parse(pose));
      if (change.set) PoseLibrarySchema.pick({ name: true, tags: true }).partial().parse(change.set);
      const merged = applyPoseLibraryChange(raw, change);
      const next = { ...(applyPoseLibraryChange(library, change) as PoseLibrary), id };
      const file = this.layout.poseLibraryFile(id);
      await guardWrite('the pose library', async () => {
        const { size } = await appendPoseLibraryChange(file, change);
        await compactPoseLibraryIfLarge(file, size, baseBytes, merged);
      });
      await this.reader.remember(file, merged, next);
      this.ws.invalidateCatalog();
      return next;
    });
  }

  async create(name: string, tags: string[] = []): Promise<PoseLibrary> {
    this.ws.project.assertWritable();
    return this.createWith(newId(), { name, tags }, []);
  }

  /** Writes a new library.json (its folder first), with the poses it starts with. */
  private async createWith(
    id: string,
    fields: { name: string; tags?: string[] | undefined },
    poses: Pose[],
  ): Promise<PoseLibrary> {
    const now = nowIso();
    const library = PoseLibrarySchema.parse({
      id,
      name: fields.name,
      tags: fields.tags ?? [],
      poses,
      createdAt: now,
      updatedAt: now,
    });
    await guardWrite('the pose library', () => makeFolderInside(this.layout.poseLibraryDir(library.id)));
    const file = this.layout.poseLibraryFile(library.id);
    await guardWrite('the pose library', () => writeJsonKeepingUnknown(file, PoseLibrarySchema, library));
    this.ws.invalidateCatalog();
    return library;
  }

  async update(
    id: string,
    changes: { name?: string | undefined; tags?: string[] | undefined },
  ): Promise<PoseLibrary> {
    this.ws.project.assertWritable();
    const set = stripUndefined(changes);
    return this.change(id, () => ({ set }));
  }

  async trashLibrary(id: string): Promise<string> {
    this.ws.project.assertWritable();
    return this.ws.locks.run(`library:${id}`, async () => {
      const library = await this.get(id);
      const entry = await guardWrite('the trash', () =>
        this.ws.trash.put({
          kind: 'poseLibrary',
          label: library.name,
          count: library.poses.length,
          moves: [toProjectPath(this.ws.project.root, this.layout.poseLibraryDir(id))],
          refs: {
            libraries: [{ id, name: library.name }],
            poses: library.poses.map((p) => ({
              id: p.id,
              name: p.name,
              libraryId: id,
              kind: p.kind,
              figures: p.figures.length,
            })),
          },
          thumbIds: library.poses.map((p) => p.image.id),
        }),
      );
      this.ws.invalidateCatalog();
      return entry.id;
    });
  }

  /** The live pose with this id and its library. */
  async findPose(poseId: string): Promise<{ library: PoseLibrary; pose: Pose } | undefined> {
    const { libraries } = await this.readAll();
    for (const library of libraries) {
      const pose = library.poses.find((p) => p.id === poseId);
      if (pose) return { library, pose };
    }
    return undefined;
  }

  /**
   * Imports images into a library. Per file: read it once and inspect those bytes, decoding them once
   * (inspectAndDecode), skip a picture already in any pose library (same SHA-256), then, side by side,
   * write the exact inspected bytes to a temp name in the library folder and rename it into place
   * (writeFileAtomic), find its figures and make its thumbnail, both from the pixels already decoded;
   * then add the pose to library.json. Poses are added in batches (CommitBatches: written once nothing
   * else is under way, when a batch is half the library, or after two seconds), in the order the files
   * were given, each batch one atomic rewrite of library.json. Until its batch is written a pose's image
   * is held in flight (in-flight.ts), so a crash leaves it unrecorded, to be moved aside at the next
   * open; if the batch's write fails its images and thumbnails are removed again: a pose is in the
   * library whole, or not at all. Imports run one at a time per project so the duplicate check covers a
   * concurrent import too. Into a new library (PoseImportTarget), the library is written together with
   * its first batch; with none accepted it never exists.
   *
   * OpenPose JSON files among the sources are drawn first (skeleton-sources.ts: one sheet per file, or
   * with `split` one pose per person) and imported as their PNGs, each pose keeping its skeleton and
   * taking its figure boxes from it exactly; `intake` imports skeletons drawn already (the starter
   * library, a composed sheet) in place of `sources`.
   */
  async import(
    into: PoseImportTarget,
    sources: readonly ImageSource[],
    control: TaskControl = {},
    options: { split?: boolean | undefined; intake?: SkeletonIntake | undefined } = {},
  ): Promise<PoseImportResult> {
    this.ws.project.assertWritable();
    return this.ws.locks.run('pose-import', async () => {
      // A new library waits for its first accepted pose: until then it exists nowhere, not even as a
      // folder, so refused files leave no trace.
      let pendingLibrary = typeof into === 'string' ? undefined : into.newLibrary;
      const libraryId = typeof into === 'string' ? into : newId();
      const listed = pendingLibrary ? 0 : (await this.get(libraryId)).poses.length; // NOT_FOUND before any work
      const dir = this.layout.poseLibraryDir(libraryId);
      /** Adds a batch of poses to the library (making it with the first); answers how many it holds. */
      const addPoses = async (poses: Pose[]): Promise<number> => {
        // The batch's images were renamed into place without a folder fsync each (placePose): one
        // fsync of the folder makes every rename durable before the library records them.
        await guardWrite('the pose library', () => fsyncFolder(dir));
        if (!pendingLibrary) {
          const library = await this.change(libraryId, () => ({ put: poses }));
          return library.poses.length;
        }
        const library = await this.createWith(libraryId, pendingLibrary, poses);
        pendingLibrary = undefined;
        return library.poses.length;
      };
      const intake = options.intake ?? (await skeletonSources(sources, { split: options.split }));
      const expanded = await expandSources(intake.images);
      const { libraries } = await this.readAll();
      const known = new Map<string, DuplicateOf>();
      for (const library of libraries) {
        for (const pose of library.poses) {
          known.set(pose.image.sha256, { kind: 'pose', id: pose.id, name: pose.name, libraryId: library.id });
        }
      }
      let batches: CommitBatches<Pose> | undefined;

      const outcome = await importImages<PoseView>({
        expanded,
        control,
        known,
        what: 'the pose library',
        claimAs: (item) => ({ kind: 'pose', id: newId(), name: poseNameFrom(item.baseName), libraryId }),
        store: async (item, inspected, inTurn) => {
          const { facts } = inspected;
          const imageId = newId();
          const { target, image } = placeImage(this.ws.project.root, dir, imageId, item.baseName, facts);
          const thumb = thumbPathFor(this.layout, imageId);
          const poseId = known.get(facts.sha256)?.id ?? newId(); // chosen when its hash was claimed
          return whileInFlight(imageId, async () => {
            try {
              const drawn = intake.drawn.get(facts.sha256);
              const pose = await this.placePose(item, inspected, poseId, target, image, drawn);
              // Made with the first pose: the run's idle signal comes with a commit turn.
              batches ??= new CommitBatches(addPoses, () => inTurn.idle(), listed);
              const added = batches;
              // The commit turn only queues the pose, in order; its batch is written later (`written`,
              // wrapped so that the turn does not wait for it).
              const { written } = await inTurn(async () => ({ written: added.add(pose, facts.bytes) }));
              await written;
              return viewPose(pose, libraryId);
            } catch (error) {
              await removeQuietly(target);
              await removeQuietly(thumb);
              throw error;
            }
          });
        },
        importedName: (pose) => pose.image.originalName,
      }).finally(async () => {
        // An accepted image whose pose then failed to commit was removed again; so is the folder its
        // write made, when the new library never came to be (rmdir removes only an empty folder).
        if (pendingLibrary) await rmdir(dir).catch(() => undefined);
      });
      return {
        libraryId,
        // The files given: a JSON file counts once, however many poses were drawn from it.
        total: outcome.total - intake.drawnFromJson + intake.jsonFiles,
        imported: outcome.stored,
        duplicates: outcome.duplicates,
        failed: [...intake.failed, ...outcome.failed],
        skipped: outcome.skipped,
        cancelled: outcome.cancelled,
      };
    });
  }

  /**
   * One accepted image's files, side by side: its exact bytes written to `target` (writeFileAtomic),
   * its figures found and its thumbnail made from the pixels its check decoded (from its bytes when it
   * is transparent: the decoded pixels are flattened, the thumbnail keeps the transparency). Answers its
   * pose; throws the write's error if the image could not be written (the caller removes what was made).
   * A picture drawn from a skeleton (`drawn`) keeps it, and its boxes come from the keypoints, exactly.
   */
  private async placePose(
    item: IntakeItem,
    { bytes, facts, pixels }: Inspected,
    poseId: string,
    target: string,
    image: StoredImage,
    drawn?: DrawnPose,
  ): Promise<Pose> {
    const imageId = image.id;
    const thumbFrom = facts.hasAlpha || !pixels ? bytes : pixels;
    // All three settle before this answers, so that when the write fails the caller's clean-up comes
    // after the thumbnail, not before it. Neither figuresOf nor makeThumbQuietly throws.
    const [written, figures] = await Promise.allSettled([
      writeFileAtomic(target, bytes, { syncFolder: false }), // the batch syncs the folder once
      drawn ? Promise.resolve(skeletonBoxes(drawn.skeleton, facts)) : figuresOf(bytes, facts, pixels),
      makeThumbQuietly(this.layout, imageId, thumbFrom),
    ]);
    if (written.status === 'rejected') throw written.reason;
    const boxes = figures.status === 'fulfilled' ? figures.value : [];
    return PoseSchema.parse({
      id: poseId,
      name: poseNameFrom(item.baseName),
      kind: boxes.length >= 2 ? 'sheet' : 'single',
      image,
      figures: boxes,
      tags: drawn?.tags ?? [],
      ...(drawn ? { skeleton: drawn.skeleton } : {}),
      createdAt: nowIso(),
    });
  }

  async updatePose(
    poseId: string,
    changes: {
      name?: string | undefined;
      tags?: string[] | undefined;
      kind?: Pose['kind'] | undefined;
      figures?: Box[] | undefined;
    },
  ): Promise<PoseView> {
    this.ws.project.assertWritable();
    const found = await this.findPose(poseId);
    if (!found) throw poseNotFound();
    let updated: Pose | undefined;
    await this.change(found.library.id, (library) => {
      const pose = library.poses.find((p) => p.id === poseId);
      if (!pose) return undefined;
      updated = PoseSchema.parse({ ...pose, ...stripUndefined(changes) });
      return { put: [updated] };
    });
    if (!updated) throw poseNotFound();
    return viewPose(updated, found.library.id);
  }

  /**
   * Moves poses to the trash as one entry (TrashStore.put: the entry, holding each pose's JSON, is
   * written; the images move into it; then each library.json drops them). The libraries holding them
   * stay locked throughout, so a failed step can put their files back byte for byte. Restore reverses it.
   */
  async trashPoses(poseIds: readonly string[]): Promise<string> {
    this.ws.project.assertWritable();
    const wanted = new Set(poseIds);
    const { libraries } = await this.readAll();
    const holding = libraries.filter((l) => l.poses.some((p) => wanted.has(p.id))).map((l) => l.id);
    if (holding.length === 0) throw poseNotFound();
    const locks = holding.map((id) => `library:${id}`);
    return withLocks(this.ws.locks, locks, async () => {
      // Read again under the locks: the poses as they are now are what the entry keeps.
      const found: TrashedPosesPayload['poses'] = [];
      for (const libraryId of holding) {
        const library = await this.get(libraryId).catch((error: unknown) => {
          if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
          throw error;
        });
        if (!library) continue; // trashed meanwhile, with its poses
        for (const pose of library.poses) {
          if (wanted.has(pose.id)) found.push({ libraryId, libraryName: library.name, pose });
        }
      }
      const first = found[0];
      if (!first) throw poseNotFound();
      try {
        const entry = await guardWrite('the trash', () =>
          this.ws.trash.put({
            kind: 'pose',
            label: found.length === 1 ? first.pose.name : `${found.length} poses`,
            count: found.length,
            moves: found.map((f) => f.pose.image.file),
            refs: {
              poses: found.map((f) => ({
                id: f.pose.id,
                name: f.pose.name,
                libraryId: f.libraryId,
                kind: f.pose.kind,
                figures: f.pose.figures.length,
              })),
            },
            thumbIds: found.map((f) => f.pose.image.id),
            payload: { poses: found } satisfies TrashedPosesPayload,
          }),
        );
        return entry.id;
      } finally {
        // The trash rewrote library.json files itself (and may have put them back).
        this.ws.invalidateCatalog();
      }
    });
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const libraryNotFound = (): AppError =>
  new AppError('NOT_FOUND', 'That pose library is not in the project (it may be in the trash).');
const poseNotFound = (): AppError =>
  new AppError('NOT_FOUND', 'That pose is not in the project (it may be in the trash).');
