/**
 * Electron's entry point, bundled to dist/main/main.cjs (CJS; electron, keytar and sharp stay
 * external). Everything is in bootstrap.ts so tests can drive it with `electron` mocked.
 */
import { bootstrap } from './bootstrap';

bootstrap();
