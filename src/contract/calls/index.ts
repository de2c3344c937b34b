import { appCalls } from './app';
import { archiveCalls } from './archive';
import { generationCalls } from './generation';
import { transferCalls } from './transfer';
import { workspaceCalls } from './workspace';

/** Every call the renderer can make. main's IPC, the preload and the browser host are all derived from it. */
export const contractCalls = {
  ...appCalls,
  ...generationCalls,
  ...workspaceCalls,
  ...archiveCalls,
  ...transferCalls,
};
