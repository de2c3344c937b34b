// One flat config. Its most important job is the import boundaries: a folder is a runtime.
//   src/domain, src/contract, src/models  isomorphic: no Node, no electron, no React
//   src/**                                Node core: never electron, React or the renderer
//   renderer/**                           browser: never electron, Node, or the Node-only parts of src
//   main/**                               the only place that may import electron
//   main/preload.ts (+ its own modules)    sandboxed: electron's contextBridge/ipcRenderer/webUtils only,
//                                          and types (never values) from src/contract and src/domain
// Its second job: promises nobody awaits (type-aware, so scoped to the TypeScript that has a tsconfig).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodeOnlySrc = ['library', 'segmind', 'jobs', 'images', 'secrets', 'services', 'cli', 'host'];
const nodeOnlySrcPatterns = nodeOnlySrc.map((dir) => ({
  group: [`**/src/${dir}`, `**/src/${dir}/**`, `../${dir}`, `../${dir}/**`],
  message: `src/${dir} is Node-only; this folder must stay isomorphic.`,
}));
const noElectron = { name: 'electron', message: 'Only main/ may import electron.' };
const noReact = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime'].map((name) => ({
  name,
  message: 'src/ is UI-free; React lives in renderer/.',
}));
const noRenderer = { group: ['**/renderer/**'], message: 'src/ never imports the renderer.' };
const noNode = nodeBuiltins.map((name) => ({
  name,
  message: 'This code runs in the browser or is isomorphic.',
}));

// The preload runs in Electron's sandbox: there `require` knows only electron and a few polyfilled
// built-ins, so any other import fails inside Electron alone (unit tests run in Node and would not see it).
// Values from src/contract or src/domain would bundle zod and every schema (~800 KB) for nothing: the
// preload forwards named calls and main parses the input. test/unit/main/preload-bundle.test.ts runs the
// built bundle in a sandbox-like context to prove it.
const preloadFiles = ['main/preload.ts', 'main/preload-surface.ts', 'main/schemes.ts'];
const preloadImports = {
  paths: [
    {
      name: 'electron',
      allowImportNames: ['contextBridge', 'ipcRenderer', 'webUtils'],
      allowTypeImports: true,
      message: 'The preload may use only contextBridge, ipcRenderer and webUtils.',
    },
    ...nodeBuiltins.map((name) => ({ name, message: 'The preload runs sandboxed: no Node built-ins.' })),
  ],
  patterns: [
    {
      regex: '^(\\.\\./)+src/(contract|domain)(/.*)?$',
      allowTypeImports: true,
      message:
        'Types only: a value from src/contract or src/domain bundles zod and every schema into the preload.',
    },
    {
      regex: '^(?!electron$|\\./(preload-surface|schemes)$|(\\.\\./)+src/(contract|domain)(/.*)?$)',
      message:
        'The sandboxed preload may import only electron, ./preload-surface, ./schemes and types from src/contract or src/domain.',
    },
  ],
};

// Type-aware rules need a TypeScript program: only for the TypeScript each runtime's tsconfig covers.
// Config files and scripts (plain JS, or outside every tsconfig) are linted without types.
const typedFiles = ['main/**/*.ts', 'src/**/*.ts', 'renderer/src/**/*.{ts,tsx}', 'test/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, ...noReact], patterns: [noRenderer] }],
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/contract/**/*.ts', 'src/models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron, ...noReact, ...noNode], patterns: [noRenderer, ...nodeOnlySrcPatterns] },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [noElectron, ...noNode], patterns: nodeOnlySrcPatterns }],
    },
  },
  { files: preloadFiles, rules: { 'no-restricted-imports': ['error', preloadImports] } },
  {
    files: typedFiles,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection, or silence) and its ordering.
      // Fire-and-forget is written `void promise` with a comment saying why it is safe.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected (an event handler, forEach) drops its rejection.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // src/ has no tsconfig.json of its own: tsconfig.core.json covers it, and the project service finds
    // only files named tsconfig.json. One program for all of src/.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: ['./tsconfig.core.json'] } },
  },
);
