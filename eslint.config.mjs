// ESLint for the JavaScript outside the web client: the browser suite (e2e/), the protocol tests,
// the shared test helpers and the browser benchmark. All are Node ES modules; the functions they
// pass to page.evaluate() run in the page, hence the few browser globals for e2e/ and bench/ (only
// those, so a Node-side `window` or `name` is still an error).
// The web client has its own configuration (web/eslint.config.js, TypeScript + Vue).
import js from '@eslint/js'
import globals from 'globals'

export default [
  { ignores: ['web/**', 'node_modules/**', 'build/**', '**/dist/**'] },
  {
    files: ['e2e/**/*.mjs', 'server/tests/protocol/**/*.mjs', 'tests/lib/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      ...js.configs.recommended.rules,
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-implicit-globals': 'error',
      'no-unused-private-class-members': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unreachable-loop': 'error',
      'no-constant-binary-expression': 'error',
      'require-atomic-updates': 'off',
    },
  },
  {
    files: ['e2e/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: {
      globals: {
        ...globals.node,
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        RTCPeerConnection: 'readonly',
        MediaStream: 'readonly',
        HTMLVideoElement: 'readonly',
      },
    },
  },
]
