/**
 * The spending cap when a project's receipts cannot be summed (its results index failing to read, as a
 * failing disk does: the sum is given one that fails, because the tests run as root, for whom a folder
 * made unreadable still reads). Nothing may go past the cap, so the project's runs wait; the queue must
 * say why once, and Resume must sum the receipts again rather than wait for ever in silence.
 */
import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/domain';
import type { ProjectHandle } from '../../../src/library/project-store';
import { SpendingCap } from '../../../src/services/generation/spending-cap';
import { queuedJob } from '../../helpers/jobs';

const projectId = newId();
const project = { root: '/projects/lighthouse' } as ProjectHandle;

const job = queuedJob({ projectPath: project.root, projectId });

/** Waits for `readReceipts`' callback. */
const read = (cap: SpendingCap) => new Promise<void>((resolve) => cap.readReceipts(project, resolve));

describe('the spending cap when the receipts cannot be summed', () => {
  it('pauses once with the reason, then sums again on the next look (Resume), and goes once it can', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let failing = true;
    const sum = vi.fn(async () => {
      if (failing) throw new Error('disk I/O error');
      return 0.13;
    });
    const cap = new SpendingCap(
      () => ({ spendingCapByProject: { [projectId]: 1 } }),
      () => [job],
      sum,
    );

    expect(cap.check(job)).toBe('wait'); // not summed yet
    await read(cap);
    const verdict = cap.check(job);
    expect(verdict).toMatchObject({ code: 'SPENDING_CAP', detail: { cap: 1 } });
    expect((verdict as { message: string }).message).toBe(
      'This project’s spending cap of 1 credit could not be checked: what it has spent could not be read (disk I/O error). Nothing is sent past a cap, so its runs wait. Resume to try again, or remove the cap under Spend.',
    );
    // Said once: the next look (after Resume) waits for a new sum instead of pausing again at once.
    expect(cap.check(job)).toBe('wait');
    await read(cap);
    expect(cap.check(job)).toMatchObject({ code: 'SPENDING_CAP' });

    failing = false;
    await read(cap);
    expect(cap.check(job)).toBe('go');
    expect(sum).toHaveBeenCalledTimes(3);
  });
});
