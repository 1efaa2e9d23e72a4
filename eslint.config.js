// ESLint 9 flat config: typescript-eslint "recommended" (syntactic only, no type information,
// so `npx eslint .` stays fast) plus the house style as the code is written today.
// Layering and import cycles are not checked here: see .dependency-cruiser.cjs (`npm run lint:deps`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated migrations, data, real excerpts and fixtures are not code we write.
    ignores: ['node_modules/', 'data/', 'dist/', 'drizzle/', 'samples/', 'bench/out/', 'coverage/', '**/fixtures/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // Single quotes; template literals stay allowed without interpolation: the SQL and the
      // Markdown/HTML snippets are written in backticks because they contain quotes themselves.
      quotes: ['error', 'single', { avoidEscape: true, allowTemplateLiterals: true }],
      semi: ['error', 'always'],
      'prefer-const': 'error',
      'no-var': 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      // `import type` / inline `type` for what is only a type (the code already does so everywhere).
      // `import('node:stream/web').ReadableStream` in a type position stays allowed: it names the
      // Node type next to the global (DOM) ReadableStream without a clashing import (src/http/compression.ts).
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // Test code reads untyped JSON from the API (e.g. `donnees` of a dataset, whose shape depends
    // on the source): `any` is accepted there, nowhere else.
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The demo page's assets are classic browser scripts served as they are (no build step),
    // written in ES5 style on purpose: IIFEs on `globalThis`, `var`, no modules, and
    // `catch (e)` with an unused `e` (no optional catch binding in that style).
    files: ['src/demo/assets/**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'script',
      globals: { ...globals.browser },
    },
    rules: {
      'no-var': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
