// One flat config. Its most important job is the import boundaries: a folder is a runtime.
//   src/domain, src/contract, src/models  isomorphic: no Node, no electron, no React
//   src/**                                Node core: never electron, React or the renderer
//   renderer/**                           browser: never electron, Node, or the Node-only parts of src
//   main/**                               the only place that may import electron
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
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This code runs in the browser or is isomorphic.' }));

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
);
