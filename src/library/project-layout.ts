import { join } from 'node:path';

/**
 * Where everything lives inside a project folder. File and folder names are ids; human names live in
 * the JSON. `.studio/` holds what can be rebuilt (thumbnails, the index) plus the lock, and what the app
 * moved out of the person's way without deleting it: damaged files (quarantine) and crash leftovers.
 */
export class ProjectLayout {
  constructor(readonly root: string) {}
  get projectFile(): string {
    return join(this.root, 'project.json');
  }
  get charactersDir(): string {
    return join(this.root, 'characters');
  }
  characterDir(id: string): string {
    return join(this.charactersDir, id);
  }
  characterFile(id: string): string {
    return join(this.characterDir(id), 'character.json');
  }
  get posesDir(): string {
    return join(this.root, 'poses');
  }
  poseLibraryDir(id: string): string {
    return join(this.posesDir, id);
  }
  poseLibraryFile(id: string): string {
    return join(this.poseLibraryDir(id), 'library.json');
  }
  get resultsDir(): string {
    return join(this.root, 'results');
  }
  get presetsFile(): string {
    return join(this.root, 'presets.json');
  }
  get trashDir(): string {
    return join(this.root, 'trash');
  }
  get studioDir(): string {
    return join(this.root, '.studio');
  }
  get lockFile(): string {
    return join(this.studioDir, 'lock.json');
  }
  get quarantineDir(): string {
    return join(this.studioDir, 'quarantine');
  }
  /** What opening the project found left by an interrupted save, moved aside (see settle-leftovers.ts). */
  get leftoversDir(): string {
    return join(this.studioDir, 'leftovers');
  }
  /** When results/ was last checked for leftovers: an unchanged folder is not listed again. */
  get leftoversCheckFile(): string {
    return join(this.studioDir, 'leftovers-checked.json');
  }
  get thumbsDir(): string {
    return join(this.studioDir, 'thumbs');
  }
  /** The results index (results-index-db.ts): a cache of the receipts, rebuilt when missing or damaged. */
  get resultsIndexFile(): string {
    return join(this.studioDir, 'results-index.sqlite');
  }
  /** The JSON index of earlier versions: removed once the SQLite index has been built. */
  get legacyIndexFile(): string {
    return join(this.studioDir, 'index.json');
  }
}
