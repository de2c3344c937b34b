import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectProblem } from '../domain';
import { linkOutOnTheWay, listFolderInside } from './contained-fs';
import type { ProjectLayout } from './project-layout';
import { quarantine } from './quarantine';

/**
 * What the project holds at its top, each of which a link could stand in for. Inside one of them a link
 * out is met by whatever reads it (the contained read refuses it, and the store quarantines the link);
 * at the top the whole of characters/, results/ or .studio/ would lead elsewhere, so each is looked at
 * once when the project opens.
 */
const TOP_LEVEL = ['characters', 'poses', 'results', 'trash', 'presets.json'] as const;

const reasonFor = (name: string): string =>
  `${name} is a link to a place outside the project folder (or round in a circle, or to nothing), which the app does not follow.`;

/**
 * `.studio/` standing in as a link that leads out of the project (contained-fs.ts): it holds the lock,
 * and the lock is taken before anything else is written, so this is settled first, and only by an
 * instance that may write to the folder. The link is renamed aside (a rename moves the link, never what it
 * points at), a new `.studio/` is made, and the link moved into its quarantine, where it is reported on
 * every open (quarantinedProblems) until the person deals with it. What `.studio/` holds is rebuilt
 * (thumbnails, the index); the quarantine and leftovers it held stay where the link pointed.
 */
export async function setAsideStudioLink(layout: ProjectLayout): Promise<void> {
  if ((await linkOutOnTheWay(layout.root, layout.studioDir)) !== layout.studioDir) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = join(layout.root, `.studio.${stamp}.link`);
  await rename(layout.studioDir, aside);
  await mkdir(layout.quarantineDir, { recursive: true });
  await rename(aside, join(layout.quarantineDir, `${stamp}__.studio`));
}

/**
 * The project's top-level folders (and presets.json), and what `.studio/` holds (thumbs/, the index, the
 * lock: some of it written by native code, sharp and SQLite, which no check in node:fs would see), that
 * are links leading out of it: moved to quarantine when this instance may write (`move`), reported as
 * problems otherwise (then every use of them is refused where it happens). Answers the problems to
 * report now: those not moved (a moved link is reported by quarantinedProblems, from the quarantine
 * folder itself, on this and every later open).
 */
export async function settleLinksOut(layout: ProjectLayout, move: boolean): Promise<ProjectProblem[]> {
  const problems: ProjectProblem[] = [];
  const inStudio = await listFolderInside(layout.studioDir).catch(() => []);
  const names = [...TOP_LEVEL, ...(move ? [] : ['.studio']), ...inStudio.map((name) => `.studio/${name}`)];
  for (const name of names) {
    const path = join(layout.root, name);
    if ((await linkOutOnTheWay(layout.root, path)) !== path) continue;
    // The quarantine folder cannot be moved into itself: reported, and quarantine() writes nothing there.
    if (!move || name === '.studio/quarantine') {
      problems.push({ file: name, reason: reasonFor(name) });
      continue;
    }
    const moved = await quarantine(layout.root, layout.quarantineDir, path, reasonFor(name));
    if (moved.quarantinedAs === undefined) problems.push(moved);
  }
  return problems;
}
