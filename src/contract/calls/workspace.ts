/**
 * The workspace: characters, pose libraries, the results gallery, the trash and export.
 *
 * Conventions every call here follows (so the UI can rely on them):
 * - Paths the UI shows as images (`file`, `thumbFile`) are relative to the project root, `/`-separated:
 *   pass them to `window.app.mediaUrl()`. A thumbnail is a WebP of at most 640 px (sharp in 320 px grid
 *   cells on a 2x display) in the rebuildable `.studio/` cache; when it is missing (a synced project, a
 *   cleared cache) it is rebuilt in the background and a 'project.changed' event follows, so the UI may
 *   fall back to `file` in an <img onError>.
 * - Every change emits 'project.changed' with the kind of list to refetch ('characters', 'poses',
 *   'results', 'trash'; a trash operation emits 'trash' and the kind it touched).
 * - Every delete moves things into the project's trash and answers `{ trashId }`: an "Undo" toast calls
 *   `trash.restore({ id: trashId })`. Only `trash.empty` is permanent.
 * - Long work (imports, exports, cutting) takes an optional `taskId` chosen by the UI (any short string,
 *   e.g. crypto.randomUUID()). While the call runs, 'task.progress' events carry that id with done / total
 *   / failed counts (the last one has `finished: true`); `tasks.cancel({ taskId })` stops it after the
 *   file in hand. The call itself resolves with the full report (what was done, each failure named),
 *   so a progress bar, a cancel button and the final toast need no polling. A cancelled task resolves
 *   normally with `cancelled: true`: whatever finished before the cancel is kept, complete.
 * - Mutations on a read-only project fail with PROJECT_READ_ONLY; a folder the OS refuses to write
 *   with PERMISSION_DENIED; a full disk with DISK_FULL. None of them leaves a half-written file.
 */
import { z } from 'zod';
import { call } from '../define';
import {
  BoxSchema,
  CharacterSchema,
  ColorLabelSchema,
  CutFromSchema,
  ErrorCodeSchema,
  FlagSchema,
  IdSchema,
  IsoDateSchema,
  PoseKindSchema,
  PoseLibrarySchema,
  PoseSchema,
  ProjectProblemSchema,
  ResultSchema,
  SeedSchema,
  SkeletonSchema,
  StoredImageSchema,
  TagsSchema,
} from '../../domain';

const Empty = z.object({}).strict();

// ---------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------

/** A task id chosen by the UI, echoed in 'task.progress' events and accepted by `tasks.cancel`. */
export const TaskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid task id');

/** Largest single upload, in base64 characters (about 36 MB of image); the browser host caps a call at 64 MB. */
export const MAX_UPLOAD_BASE64 = 48 * 1024 * 1024;

/**
 * Where an imported image comes from: a path on this computer (a file, or a folder that is walked
 * recursively for image files), or bytes uploaded by the browser host's drag and drop.
 */
export const ImageSourceSchema = z.union([
  z.object({ path: z.string().min(1).max(4096) }).strict(),
  z
    .object({
      /** The file's name as the person had it; used in messages and as the pose's default name. */
      name: z.string().trim().min(1).max(255),
      dataBase64: z.string().min(1).max(MAX_UPLOAD_BASE64),
    })
    .strict(),
]);
export type ImageSource = z.infer<typeof ImageSourceSchema>;

/** A stored image as the UI shows it: the stored facts plus where its thumbnail is. */
export const StoredImageViewSchema = StoredImageSchema.extend({
  /** `.studio/thumbs/<imageId>.webp`, relative to the project root. */
  thumbFile: z.string(),
});
export type StoredImageView = z.infer<typeof StoredImageViewSchema>;

/** One file that was not imported, named, with the reason in the person's words. */
export const ImportFailureSchema = z.object({
  /** The file's name as the person knows it (relative to the folder they picked, for a folder). */
  file: z.string(),
  code: z.string(),
  /** IMAGE_REJECTED's `detail.reason`: empty, too-large, too-many-pixels, heic, not-an-image, ... */
  reason: z.string().optional(),
  message: z.string(),
});
export type ImportFailure = z.infer<typeof ImportFailureSchema>;

/** An image skipped because the same picture (same SHA-256) is already in the project. */
export const ImportDuplicateSchema = z.object({
  file: z.string(),
  /** What it duplicates: a pose (with its library) or a reference image of the same character. */
  existing: z.object({
    kind: z.enum(['pose', 'reference']),
    id: IdSchema,
    name: z.string(),
    libraryId: IdSchema.optional(),
  }),
  message: z.string(),
});
export type ImportDuplicate = z.infer<typeof ImportDuplicateSchema>;

// ---------------------------------------------------------------------------------------------------
// Characters
// ---------------------------------------------------------------------------------------------------

export const CharacterViewSchema = CharacterSchema.extend({
  referenceImages: z.array(StoredImageViewSchema),
});
export type CharacterView = z.infer<typeof CharacterViewSchema>;

/** The fields a person edits. Omitted fields keep their value (or their default on create). */
export const CharacterFieldsSchema = z
  .object({
    name: CharacterSchema.shape.name,
    description: z.string().max(4000),
    styleWords: z.string().max(1000),
    /** Non-empty replaces the model's default negative prompt; empty goes back to the default. */
    negativePrompt: z.string().max(4000),
    tags: TagsSchema,
    notes: z.string().max(20000),
    colorLabel: ColorLabelSchema,
  })
  .strict();
export type CharacterFields = z.infer<typeof CharacterFieldsSchema>;

export const ReferenceImportReportSchema = z.object({
  character: CharacterViewSchema,
  added: z.array(StoredImageViewSchema),
  duplicates: z.array(ImportDuplicateSchema),
  failed: z.array(ImportFailureSchema),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  cancelled: z.boolean(),
});

export const PromptPreviewSchema = z.object({
  modelId: z.string(),
  /** Exactly the `prompt` that will be sent. */
  prompt: z.string(),
  /** Exactly the `negative_prompt` that will be sent. */
  negativePrompt: z.string(),
  /** True when the character has no negative prompt of its own and the model's default is used. */
  usesDefaultNegative: z.boolean(),
});

// ---------------------------------------------------------------------------------------------------
// Pose libraries
// ---------------------------------------------------------------------------------------------------

export const PoseViewSchema = PoseSchema.extend({
  image: StoredImageViewSchema,
  libraryId: IdSchema,
});
export type PoseView = z.infer<typeof PoseViewSchema>;

export const PoseLibraryViewSchema = PoseLibrarySchema.extend({
  poses: z.array(PoseViewSchema),
});
export type PoseLibraryView = z.infer<typeof PoseLibraryViewSchema>;

export const PoseImportReportSchema = z.object({
  taskId: z.string(),
  libraryId: IdSchema,
  /** Files considered (after walking folders; non-image names in folders are `skipped`, not counted). */
  total: z.number().int().nonnegative(),
  imported: z.array(PoseViewSchema),
  duplicates: z.array(ImportDuplicateSchema),
  failed: z.array(ImportFailureSchema),
  /** Files in picked folders whose names are not images (notes, .DS_Store): left alone. */
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  cancelled: z.boolean(),
});
export type PoseImportReport = z.infer<typeof PoseImportReportSchema>;

// ---------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------

/** One gallery item: everything the grid, the filters and the hover card need, without the receipt. */
export const ResultSummarySchema = z.object({
  id: IdSchema,
  /** The image, relative to the project root. */
  file: z.string(),
  thumbFile: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  createdAt: IsoDateSchema,
  modelId: z.string(),
  characterId: IdSchema,
  /** The character's name, also while it is in the trash; null when it is gone for good. */
  characterName: z.string().nullable(),
  characterInTrash: z.boolean(),
  /** Set while the character is in the trash: `trash.restore({ id })` brings it back. */
  characterTrashId: z.string().optional(),
  poseId: IdSchema,
  poseName: z.string().nullable(),
  poseInTrash: z.boolean(),
  poseTrashId: z.string().optional(),
  /** The pose's kind and figure count when known: "Cut into poses" needs a sheet with figures. */
  poseKind: PoseKindSchema.nullable(),
  poseFigures: z.number().int().nonnegative(),
  rating: z.number().int().min(0).max(5),
  flag: FlagSchema,
  tags: z.array(z.string()),
  /** The seed Segmind reports it used (x-seed-used), else the seed sent; null when unknown or random. */
  seed: SeedSchema.nullable(),
  /** Credits this result cost, from the response headers; null when unknown (and 0 for cuts). */
  cost: z.number().nullable(),
  /** The batch that made it, for "this batch" and spend per batch. */
  batchId: IdSchema.optional(),
  cutFrom: CutFromSchema.optional(),
  /** True when the image file is gone from results/ (deleted outside the app); the receipt remains. */
  imageMissing: z.boolean(),
  /**
   * With the filter's `stackCuts`, on a sheet whose cuts are stacked under it: how many of its cuts match
   * the filter, and whether its stack is open (listed in `expandedStacks`, its cuts right after it).
   */
  stack: z.object({ cuts: z.number().int().positive(), expanded: z.boolean() }).optional(),
  /** With `stackCuts`, on a cut shown inside its sheet's open stack: its place there (1-based) and how many. */
  inStack: z.object({ position: z.number().int().positive(), of: z.number().int().positive() }).optional(),
});
export type ResultSummary = z.infer<typeof ResultSummarySchema>;

export const ResultSortSchema = z.enum(['newest', 'oldest', 'rating']);
export type ResultSort = z.infer<typeof ResultSortSchema>;

/** Every member narrows the set; inside one list, any value matches (tags: every listed tag must be present). */
/** A character or pose that a search's words were found in (search.records). */
export const RecordMatchSchema = z.object({
  kind: z.enum(['character', 'pose']),
  id: IdSchema,
  name: z.string(),
  libraryId: IdSchema.optional(),
  libraryName: z.string().optional(),
  fields: z.array(z.enum(['name', 'description', 'style words', 'notes', 'tags', 'library'])),
  excerpt: z.string().optional(),
});
export type RecordMatchView = z.infer<typeof RecordMatchSchema>;

export const ResultFilterSchema = z
  .object({
    characterIds: z.array(IdSchema).max(1000),
    poseIds: z.array(IdSchema).max(5000),
    /** Results made from any pose of these libraries. */
    libraryIds: z.array(IdSchema).max(1000),
    minRating: z.number().int().min(0).max(5),
    maxRating: z.number().int().min(0).max(5),
    flags: z.array(FlagSchema).max(3),
    /** All of these tags (case-insensitive). */
    tags: z.array(z.string().max(60)).max(50),
    modelIds: z.array(z.string().max(200)).max(50),
    /** Results made by these batches ("this batch"). */
    batchIds: z.array(IdSchema).max(50),
    /** createdAt >= from and < to (ISO dates with offset). */
    from: IsoDateSchema,
    to: IsoDateSchema,
    /** Words that must all appear in the character name, pose name, tags, prompts, model, seed or id. */
    text: z.string().max(200),
    /** Generated results only, cuts only, or both (default). */
    source: z.enum(['all', 'generated', 'cuts']),
    /** Only the cuts made from these results. */
    cutFromIds: z.array(IdSchema).max(1000),
    /** Only these ids (a saved selection); still filtered by the rest. */
    ids: z.array(IdSchema).max(20000),
    /**
     * Not a narrowing but how the list is laid out (the gallery sets it): a cut whose sheet is also in
     * the list is not listed on its own but stacked under the sheet, which says how many (`stack`), so
     * cutting never floods the grid. Cuts whose sheet is filtered out (e.g. `source: 'cuts'`) stay flat.
     */
    stackCuts: z.boolean(),
    /** With `stackCuts`: sheets whose stacks are open; their cuts follow each right after it, in figure order. */
    expandedStacks: z.array(IdSchema).max(1000),
  })
  .partial()
  .strict();
export type ResultFilter = z.infer<typeof ResultFilterSchema>;

export const ResultQuerySchema = z
  .object({
    filter: ResultFilterSchema.default({}),
    sort: ResultSortSchema.default('newest'),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ResultQuery = z.infer<typeof ResultQuerySchema>;

export const ResultPageSchema = z.object({
  /** How many results match the filter. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  items: z.array(ResultSummarySchema),
  /** Bumped on every change to the results; a page with an older revision is stale. */
  revision: z.number().int().nonnegative(),
});
export type ResultPage = z.infer<typeof ResultPageSchema>;

export const ResultFacetsSchema = z.object({
  total: z.number().int().nonnegative(),
  characters: z.array(
    z.object({ id: IdSchema, name: z.string().nullable(), inTrash: z.boolean(), count: z.number().int() }),
  ),
  poses: z.array(
    z.object({
      id: IdSchema,
      name: z.string().nullable(),
      libraryId: IdSchema.nullable(),
      inTrash: z.boolean(),
      count: z.number().int(),
    }),
  ),
  tags: z.array(z.object({ tag: z.string(), count: z.number().int() })),
  models: z.array(z.object({ id: z.string(), count: z.number().int() })),
  flags: z.object({ none: z.number().int(), pick: z.number().int(), reject: z.number().int() }),
  /** ratings[n] = how many have exactly n stars (0..5). */
  ratings: z.array(z.number().int()).length(6),
});
export type ResultFacets = z.infer<typeof ResultFacetsSchema>;

export const ReviewStateSchema = z.object({
  id: IdSchema,
  rating: z.number().int().min(0).max(5),
  flag: FlagSchema,
  tags: TagsSchema,
});
export type ReviewState = z.infer<typeof ReviewStateSchema>;

export const ReviewOutcomeSchema = z.object({
  items: z.array(ResultSummarySchema),
  /** The reviews as they were before: pass them to `results.setReviews` to undo. */
  previous: z.array(ReviewStateSchema),
  /** Ids that are not (or no longer) in the project. */
  missing: z.array(IdSchema),
});

export const ExportFormatSchema = z.enum(['original', 'png']);

export const ExportReportSchema = z.object({
  taskId: z.string(),
  dir: z.string(),
  files: z.array(
    z.object({
      id: IdSchema,
      /** Absolute path of the exported image. */
      file: z.string(),
      /** Its base name ("Mira - Arms up - 2025-01-31 - seed 4898558797.jpg"). */
      name: z.string(),
      /** Absolute path of the receipt JSON beside it, when asked for. */
      receiptFile: z.string().optional(),
    }),
  ),
  /** Each result not exported, with why: NOT_FOUND, IMAGE_REJECTED, IO_ERROR (the disk failed: try again), ... */
  failed: z.array(z.object({ id: z.string(), code: ErrorCodeSchema, message: z.string() })),
  cancelled: z.boolean(),
});

// ---------------------------------------------------------------------------------------------------
// Trash
// ---------------------------------------------------------------------------------------------------

export const TrashKindSchema = z.enum(['character', 'reference', 'pose', 'poseLibrary', 'results']);

export const TrashEntryViewSchema = z.object({
  id: z.string(),
  kind: TrashKindSchema,
  /** What the person sees: "Mira", "3 poses", "12 results", "Reference of Mira". */
  label: z.string(),
  trashedAt: IsoDateSchema,
  /** How many things are in this entry (results, poses). */
  count: z.number().int().nonnegative(),
  /** A thumbnail of the first image in it, when there is one. */
  thumbFile: z.string().nullable(),
  /** False when restoring needs something else back first (`blockedBy` says what, in words). */
  restorable: z.boolean(),
  blockedBy: z.string().optional(),
});
export type TrashEntryView = z.infer<typeof TrashEntryViewSchema>;

const TrashedSchema = z.object({ trashId: z.string() });

// ---------------------------------------------------------------------------------------------------
// The calls
// ---------------------------------------------------------------------------------------------------

const ProblemsSchema = z.array(ProjectProblemSchema);

export const workspaceCalls = {
  // Characters -------------------------------------------------------------------------------------
  /** Every character, A-Z by name. A damaged character.json is quarantined and listed in `problems`. */
  'characters.list': call(
    Empty,
    z.object({ characters: z.array(CharacterViewSchema), problems: ProblemsSchema }),
  ),
  'characters.get': call(z.object({ id: IdSchema }).strict(), CharacterViewSchema),
  'characters.create': call(
    CharacterFieldsSchema.partial().required({ name: true }).strict(),
    CharacterViewSchema,
  ),
  /** Saves the given fields only (an inspector edits one field at a time). */
  'characters.update': call(
    z.object({ id: IdSchema, changes: CharacterFieldsSchema.partial().strict() }).strict(),
    CharacterViewSchema,
  ),
  /** A copy with its own id and copies of the reference images; named "<name> copy" unless `name` is given. */
  'characters.duplicate': call(
    z.object({ id: IdSchema, name: CharacterSchema.shape.name.optional() }).strict(),
    CharacterViewSchema,
  ),
  /** Moves the character (and its references) to the trash. Its results stay, marked characterInTrash. */
  'characters.trash': call(z.object({ id: IdSchema }).strict(), TrashedSchema),
  /** Adds reference images (files, folders, uploads). Each is checked; failures are named, duplicates skipped. */
  'characters.addReferences': call(
    z
      .object({
        id: IdSchema,
        sources: z.array(ImageSourceSchema).min(1).max(1000),
        taskId: TaskIdSchema.optional(),
      })
      .strict(),
    ReferenceImportReportSchema,
  ),
  /** Moves one reference image to the trash (restorable while the character exists). */
  'characters.removeReference': call(
    z.object({ id: IdSchema, imageId: IdSchema }).strict(),
    z.object({ character: CharacterViewSchema, trashId: z.string() }),
  ),
  /**
   * Exactly the prompt and negative prompt that generation will send for this character and model.
   * `draft` overrides the saved fields, so an editor can preview before saving; either `characterId` or
   * `draft` (or both) must be given.
   */
  'characters.promptPreview': call(
    z
      .object({
        characterId: IdSchema.optional(),
        draft: CharacterFieldsSchema.pick({ description: true, styleWords: true, negativePrompt: true })
          .partial()
          .strict()
          .optional(),
        modelId: z.string().max(200).optional(),
      })
      .strict(),
    PromptPreviewSchema,
  ),

  // Pose libraries ---------------------------------------------------------------------------------
  /** Every pose library with its poses, A-Z by name; poses in import order. */
  /**
   * Characters (name, description, style words, notes, tags) and poses (name, tags, library) holding
   * every word of `text`, at most `limit` of each; the results are searched by results.query's
   * filter.text, which matches their prompts too.
   */
  'search.records': call(
    z.object({ text: z.string().max(200), limit: z.number().int().min(1).max(50).optional() }).strict(),
    z.object({
      characters: z.array(RecordMatchSchema),
      poses: z.array(RecordMatchSchema),
      more: z.object({ characters: z.number().int(), poses: z.number().int() }),
    }),
  ),
  'poses.list': call(
    Empty,
    z.object({ libraries: z.array(PoseLibraryViewSchema), problems: ProblemsSchema }),
  ),
  'poses.createLibrary': call(
    z.object({ name: PoseLibrarySchema.shape.name, tags: TagsSchema.optional() }).strict(),
    PoseLibraryViewSchema,
  ),
  /** Rename a library or change its tags. */
  'poses.updateLibrary': call(
    z
      .object({ id: IdSchema, name: PoseLibrarySchema.shape.name.optional(), tags: TagsSchema.optional() })
      .strict(),
    PoseLibraryViewSchema,
  ),
  /** Moves the whole library (its poses and images) to the trash; results made from its poses stay. */
  'poses.trashLibrary': call(z.object({ id: IdSchema }).strict(), TrashedSchema),
  /**
   * Imports images into a library: files, whole folders (recursively, image file names only) and
   * uploads. Every image is checked (format from its bytes, size and pixel caps, truncation, HEIC);
   * a rejected file is named with its reason and the rest carry on. Same picture already in a pose
   * library: skipped as a duplicate. Each pose gets kind sheet (2+ figures found) or single, its
   * figure boxes and a thumbnail. Each image is committed whole or not at all. Progress: 'task.progress'
   * kind 'import'; cancel with tasks.cancel. A read-only project, a folder the OS refuses or a full disk
   * stops the import with that error (detail.imported lists what was already safely in).
   * `newLibraryName` instead of `libraryId` imports into a new library that is made only with its
   * first accepted pose: an import that accepts nothing leaves the project unchanged (the report's
   * `libraryId` is then the id the library would have had). Files named `.json` are OpenPose /
   * ControlNet keypoints: each is drawn as the standard rendering and kept with its skeleton and exact
   * figure boxes; several people make one sheet named after the file, or with `split` one pose each.
   */
  'poses.import': call(
    z
      .object({
        libraryId: IdSchema.optional(),
        newLibraryName: PoseLibrarySchema.shape.name.optional(),
        sources: z.array(ImageSourceSchema).min(1).max(10000),
        taskId: TaskIdSchema.optional(),
        /** OpenPose JSON files (named `.json`) with several people: one single pose each, not one sheet. */
        split: z.boolean().optional(),
      })
      .strict()
      .refine((input) => (input.libraryId === undefined) !== (input.newLibraryName === undefined), {
        message: 'Give either libraryId or newLibraryName.',
      }),
    PoseImportReportSchema,
  ),
  /** Edit a pose's name, tags or kind (a sheet the detector read as one figure can be marked a sheet). */
  'poses.update': call(
    z
      .object({
        poseId: IdSchema,
        changes: z
          .object({
            name: PoseSchema.shape.name,
            tags: TagsSchema,
            kind: PoseKindSchema,
            figures: z.array(BoxSchema).max(64),
          })
          .partial()
          .strict(),
      })
      .strict(),
    PoseViewSchema,
  ),
  /** Moves poses (from any libraries) to the trash as one entry. Results made from them stay. */
  'poses.trash': call(z.object({ poseIds: z.array(IdSchema).min(1).max(5000) }).strict(), TrashedSchema),
  /**
   * A pose's keypoints as an OpenPose / ControlNet JSON file (`canvas_width`, `canvas_height`, `people`;
   * missing points `0, 0, 0`), in pixels or `normalised` to 0..1, with a file name to save it under.
   * INVALID_INPUT for a pose that is only a picture (no skeleton).
   */
  'poses.exportSkeleton': call(
    z.object({ poseId: IdSchema, normalised: z.boolean().optional() }).strict(),
    z.object({ fileName: z.string(), json: z.string() }),
  ),
  /**
   * Adds the starter pose library (src/skeleton/starter-poses.ts; all, or the `keys` given) to a
   * library, as skeleton poses tagged with their kind and view. Poses already there are duplicates.
   */
  'poses.addStarter': call(
    z
      .object({
        libraryId: IdSchema.optional(),
        newLibraryName: PoseLibrarySchema.shape.name.optional(),
        keys: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
        taskId: TaskIdSchema.optional(),
      })
      .strict()
      .refine((input) => (input.libraryId === undefined) !== (input.newLibraryName === undefined), {
        message: 'Give either libraryId or newLibraryName.',
      }),
    PoseImportReportSchema,
  ),
  /**
   * A skeleton (a composed sheet) saved as a new pose: drawn as the standard OpenPose rendering, its
   * figure boxes exact; a sheet when it has two or more figures.
   */
  'poses.createFromSkeleton': call(
    z
      .object({
        libraryId: IdSchema.optional(),
        newLibraryName: PoseLibrarySchema.shape.name.optional(),
        name: PoseSchema.shape.name,
        skeleton: SkeletonSchema,
        tags: TagsSchema.optional(),
      })
      .strict()
      .refine((input) => (input.libraryId === undefined) !== (input.newLibraryName === undefined), {
        message: 'Give either libraryId or newLibraryName.',
      }),
    PoseImportReportSchema,
  ),
  /** An edited skeleton saved into its pose: the image is drawn again and the boxes follow the keypoints. */
  'poses.updateSkeleton': call(
    z.object({ poseId: IdSchema, skeleton: SkeletonSchema }).strict(),
    PoseViewSchema,
  ),

  // Results ----------------------------------------------------------------------------------------
  /** A page of the gallery. Paging through the same filter and sort is cheap (the order is cached). */
  'results.query': call(ResultQuerySchema, ResultPageSchema),
  /** Every id matching the filter, in order: for "select all" and keyboard navigation across pages. */
  'results.queryIds': call(
    z.object({ filter: ResultFilterSchema.default({}), sort: ResultSortSchema.default('newest') }).strict(),
    z.object({ ids: z.array(IdSchema), revision: z.number().int().nonnegative() }),
  ),
  /** One result with its full receipt, its summary, the cuts made from it and its A1111 parameters text. */
  'results.get': call(
    z.object({ id: IdSchema }).strict(),
    z.object({
      result: ResultSchema,
      summary: ResultSummarySchema,
      cuts: z.array(IdSchema),
      /** The text export embeds (prompt, negative prompt, steps, sampler, CFG, seed, size, model). */
      parameters: z.string(),
    }),
  ),
  /** Counts for the filter chips (within `filter`, default all). */
  'results.facets': call(z.object({ filter: ResultFilterSchema.default({}) }).strict(), ResultFacetsSchema),
  /**
   * Rate, flag and tag many results at once (multi-select). Each result's JSON is written atomically;
   * the index once. Answers the new summaries and the previous reviews (for undo via setReviews).
   */
  'results.review': call(
    z
      .object({
        ids: z.array(IdSchema).min(1).max(20000),
        rating: z.number().int().min(0).max(5).optional(),
        flag: FlagSchema.optional(),
        addTags: TagsSchema.optional(),
        removeTags: z.array(z.string().max(60)).max(100).optional(),
      })
      .strict(),
    ReviewOutcomeSchema,
  ),
  /** Sets each result's review exactly (undo of results.review). */
  'results.setReviews': call(
    z.object({ items: z.array(ReviewStateSchema).min(1).max(20000) }).strict(),
    ReviewOutcomeSchema,
  ),
  /** Moves results (image + receipt) to the trash as one entry. */
  'results.trash': call(z.object({ ids: z.array(IdSchema).min(1).max(20000) }).strict(), TrashedSchema),
  /**
   * Cuts a result sheet into single poses, using its pose's figure boxes scaled from the pose sheet's
   * size to the result's, or the `boxes` given (the cut editor's). Each cut is a new result (PNG) with
   * `cutFrom` set, so it shows in the gallery (source: 'cuts'). Figures already cut from this result are
   * not cut again unless `again` (or `boxes`, which always cut). Whatever the padding, a crop never
   * reaches past the middle of the gap to another box.
   */
  'results.cut': call(
    z
      .object({
        id: IdSchema,
        /** 0-based figure indexes (into `boxes` when given); default all. */
        figures: z.array(z.number().int().nonnegative()).max(64).optional(),
        /** Margin around each figure in result pixels; default 6% of the figure's longer side. */
        padding: z.number().int().min(0).max(2000).optional(),
        again: z.boolean().optional(),
        /**
         * The figure boxes in the result image's own pixels, as drawn in the cut editor: they replace the
         * pose's boxes for this cut (saving them with the pose is `poses.update`'s job), and every one is
         * cut, as if `again`. Works while the pose is in the trash or gone.
         */
        boxes: z.array(BoxSchema).min(1).max(64).optional(),
        /**
         * The earlier cuts of this result go to the trash (one entry, undoable with `trash.restore`) once
         * the new ones are made: a re-cut replaces, it does not pile up beside the old crops.
         */
        replace: z.boolean().optional(),
        taskId: TaskIdSchema.optional(),
      })
      .strict(),
    z.object({
      created: z.array(ResultSummarySchema),
      existing: z.array(IdSchema),
      /** Set when `replace` moved earlier cuts to the trash: the entry that brings them back. */
      replacedTrashId: z.string().optional(),
      /** How many earlier cuts `replace` moved to the trash. */
      replaced: z.number().int().nonnegative().optional(),
    }),
  ),
  /**
   * Exports results into a folder under human names (character, pose, date, seed; safe on every OS and
   * unique), with A1111 "parameters" embedded (PNG text chunk or JPEG EXIF UserComment), and each
   * result's receipt JSON beside it when `includeReceipt`. `original` keeps the file's format (JPEG or
   * PNG; anything else becomes PNG); `png` converts. Progress: 'task.progress' kind 'export'. Never
   * replaces a file, and never writes into the project's own folders (INVALID_INPUT, 'inside-project').
   */
  'results.export': call(
    z
      .object({
        ids: z.array(IdSchema).min(1).max(20000),
        dir: z.string().min(1).max(4096),
        includeReceipt: z.boolean().default(false),
        format: ExportFormatSchema.default('original'),
        taskId: TaskIdSchema.optional(),
      })
      .strict(),
    ExportReportSchema,
  ),
  /** One PNG grid of the results with a caption under each (character, pose, rating). */
  'results.contactSheet': call(
    z
      .object({
        ids: z.array(IdSchema).min(1).max(500),
        /** Absolute path of the PNG to write (".png" is added when missing). */
        file: z.string().min(1).max(4096),
        columns: z.number().int().min(1).max(20).default(4),
        cellSize: z.number().int().min(64).max(1024).default(256),
        /**
         * Print size instead of columns and cellSize: fitted to a paper size (either orientation) or a
         * long edge in pixels, at 300 dpi, with captions of at least 9 pt.
         */
        print: z
          .union([
            z.object({ paper: z.enum(['a4', 'letter', 'a3']) }).strict(),
            z.object({ longEdge: z.number().int().min(1000).max(12000) }).strict(),
          ])
          .optional(),
        background: z
          .string()
          .regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/)
          .optional(),
        /**
         * Replace a file already at `file` (the person chose to). Without it an existing file is refused
         * with ALREADY_EXISTS. Never allowed into the project's own folders (INVALID_INPUT, reason
         * 'inside-project'), whatever this says.
         */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    z.object({
      file: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      count: z.number().int(),
    }),
  ),
  /**
   * Looks at the results folder again (call it when the window regains focus, or from a "Refresh"
   * command): picks up results added, deleted or edited by other programs or a sync client, and names
   * edited in character or library files. By default only what the OS reported changed since the last
   * look is checked (milliseconds at 1,000,000 results); `full` stats every receipt (about 50 ms for
   * 10,000), which also catches receipts edited in place while the project was closed. Emits
   * 'project.changed' when something changed.
   */
  'results.refresh': call(
    z.object({ full: z.boolean().optional() }).strict(),
    z.object({
      added: z.number().int(),
      removed: z.number().int(),
      changed: z.number().int(),
      problems: ProblemsSchema,
      revision: z.number().int().nonnegative(),
    }),
  ),
  /** Rebuilds the index from every receipt (the index is a cache); damaged receipts are quarantined. */
  'results.rebuildIndex': call(Empty, z.object({ count: z.number().int(), problems: ProblemsSchema })),

  // Trash ------------------------------------------------------------------------------------------
  /** Everything in the trash, newest first. */
  'trash.list': call(Empty, z.object({ entries: z.array(TrashEntryViewSchema) })),
  /** Puts an entry back where it was. */
  'trash.restore': call(
    z.object({ id: z.string().min(1).max(64) }).strict(),
    z.object({ kind: TrashKindSchema }),
  ),
  /** Deletes entries for good (all when `ids` is omitted). Permanent: the UI asks first. */
  'trash.empty': call(
    z.object({ ids: z.array(z.string().min(1).max(64)).max(10000).optional() }).strict(),
    z.object({ removed: z.number().int() }),
  ),

  // Tasks ------------------------------------------------------------------------------------------
  /**
   * Cancels a running import, export or cut (after the file in hand). `cancelled` is false when no
   * such task is running; a cancel that arrives just before its task starts still applies.
   */
  'tasks.cancel': call(z.object({ taskId: TaskIdSchema }).strict(), z.object({ cancelled: z.boolean() })),
};
