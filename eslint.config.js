// typescript-eslint, strict and type-aware (strictTypeChecked), over the TypeScript of
// src/, test/ and bench/. `npm run lint:es` (in `npm run lint`, which .ci/run runs) covers
// only what passes today: these config files, scripts/, src/health/, test/docs/ and the projection
// worker. Everything else still has findings (880 at commit 8910f4f, mostly
// no-unsafe-member-access on untyped test bodies and restrict-template-expressions) and is
// left out until issue 18's reshaping fixes it, so as not to fight the parallel work;
// `npm run lint:all` shows them. docs/ARCHITECTURE.md, "Guardrails".
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-output/', '.data/', 'bench/results/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    // Nest modules are empty classes carrying a @Module decorator
    rules: { '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // the portal's scripts run in the browser, beside Chart.js (loaded by the page first)
    files: ['assets/portal/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, Chart: 'readonly' } },
  },
);
