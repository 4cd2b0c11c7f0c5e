import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  {
    files: ['server/**/*.ts', 'migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  // Import boundaries (docs/ARCHITECTURE.md): the platform knows no feature; a feature reaches another
  // feature only through its index.ts and never the engine's internals (it talks to the engine through the SDK).
  {
    files: ['server/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)features/', message: 'platform/ never imports features/.' }] },
      ],
    },
  },
  {
    files: ['server/features/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[a-z][a-z-]*/(?!index\\.js$)',
              message: "Another feature's internals: import its public surface '../<feature>/index.js'.",
            },
            {
              regex: '(^|/)engine/',
              message: "Features never import the engine's internals: use the SDK through deps.engine.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)features/', message: 'The engine knows no feature of the app.' }] },
      ],
    },
  },
  {
    // The client reaches into server/ only through the aliases @contract/* (the API's zod schemas and
    // inferred types) and @okno-moddle/* (Okno's BPMN extension): never by a relative path. From the
    // contract it takes types only, and values from @contract/enums (zod stays out of the bundle).
    files: ['client/**/*.ts', 'client/**/*.vue', 'test/client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.*/)?server(/|$)',
              message: 'The client imports server code only through @contract/* or @okno-moddle/*.',
            },
            {
              regex: '^@contract/(?!enums$)',
              allowTypeImports: true,
              message:
                'Import types from the contract (import type); values only from @contract/enums, so zod stays out of the browser bundle.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Layout is Prettier's (.prettierrc.json, checked by `npm run lint`): ESLint's formatting rules are off.
  prettier,
);
