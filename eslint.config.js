// `npm run lint` (also run by `npm test`): the import boundaries of the architecture, checked on every source
// file. Parsing only (no type information), so it stays fast.
//   - main/core never imports main/electron, main/web or main/simulator at run time (the emulator comes through
//     a factory the host injects; its types may be imported), nor `electron`;
//   - the renderer never imports main/, Node built-ins, `electron` or zod (zod stays main-side);
//   - only main/app.ts, main/electron/* and the preload's entry (preload/index.ts) import `electron` at run time.
import tseslint from 'typescript-eslint';

const electronAtRunTime = {
  name: 'electron',
  message: 'Only main/app.ts, main/electron/* and preload/index.ts import electron at run time (import type is fine).',
  allowTypeImports: true,
};

export default tseslint.config(
  { ignores: ['dist/**', '.cache/**', 'node_modules/**', 'tests/**', 'scripts/**', 'resources/**', 'supabase/**', '**/*.d.ts'] },
  {
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: true } } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [electronAtRunTime] }],
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ ...electronAtRunTime, allowTypeImports: false, message: 'main/core is plain Node: it never imports electron.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+(electron|web)(/|$)',
              message: 'main/core never imports main/electron or main/web: the hosts import the core, not the other way round.',
            },
            {
              regex: '^(\\.\\./)+simulator(/|$)',
              allowTypeImports: true,
              message: 'main/core reaches the emulator only through the injected startEmulator factory (types may be imported).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { ...electronAtRunTime, allowTypeImports: false, message: 'The renderer never imports electron: it reaches main through window.kiosk.' },
            { name: 'zod', message: 'zod stays main-side (main/core/api/schemas.ts); the renderer bundle must not carry it.' },
          ],
          patterns: [
            { regex: '^(\\.\\./)+main(/|$)', message: 'The renderer never imports main/: the contract in preload/ is the only way to main.' },
            { regex: '^node:', message: 'The renderer runs in a sandboxed page: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/app.ts', 'main/electron/**/*.ts', 'preload/index.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
