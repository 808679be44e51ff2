// Lint gate run by `npm test` (`npm run lint`) before the unit tests; layout is Prettier's job
// (eslint-config-prettier turns the stylistic rules off so the two never disagree).
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'build/',
      '.build/',
      '.svelte-kit/',
      'static/',
      'data/',
      'tests/fixtures/',
      'tests/.tmp/'
    ]
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // A leading underscore marks a value dropped on purpose (`{ errors: _e, ...rest }`, `{#each xs as _}`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }
      ],
      // State modules replace their Sets and Maps wholesale (or bump a $state version) instead of
      // mutating reactive containers; the collections this rule flags are plain values.
      'svelte/prefer-svelte-reactivity': 'off',
      // replaceState only rewrites the current page's query string, whose path is already resolved;
      // links are written `{base}/page?d=…` (the prefix resolve() adds, plus the district) or point
      // to an external map app, which resolve() does not take.
      'svelte/no-navigation-without-resolve': ['error', { ignoreReplaceState: true, ignoreLinks: true }]
    }
  },
  {
    // TypeScript (tsc, svelte-check) already reports undefined names, and knows type-only globals
    // such as GeoJSON that no-undef does not: typescript-eslint's own advice.
    files: ['**/*.ts', '**/*.svelte'],
    rules: { 'no-undef': 'off' }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
    }
  }
);
