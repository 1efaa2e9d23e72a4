/**
 * Dependency rules of the house (ARCHITECTURE.md, "Layout and the rules of the house").
 * Imports run one way, downwards:
 *
 *   src/cli.ts                        the top: the only file wiring ingestion and serving
 *   pipelines/framework/, pipelines/<source>/   ingestion
 *   src/app.ts > src/routes/ > src/http/ > services (dotation pack aggregate catalog changes)
 *   src/contract/ src/domain/ src/db/ src/releases/ src/geo/   the lower layers
 *
 * Every rule is an error: `npm run lint:deps` exits non-zero on the first violation.
 * Tests (`tests/`, `bench/`, any `*.test.ts`) may import anything; only `no-circular`
 * and `not-to-unresolvable` apply to them.
 *
 * Type-only imports count (`tsPreCompilationDeps: true`): `import type` from a layer
 * above is still a layering violation and still closes a cycle.
 */

/** Test code, exempt from the layering rules. */
const TESTS = ['\\.test\\.ts$', '^tests/', '^bench/'];

const SERVICES = '^src/(dotation|pack|aggregate|catalog|changes)/';
const LOWER = '^src/(contract|domain|db|releases|geo)/';
/** What pipelines/ may take from src/: the lower layers, plus the two leaf modules config.ts and logger.ts. */
const SRC_FOR_PIPELINES = [LOWER, '^src/(config|logger)\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (moved or deleted file, missing package).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-not-to-pipelines',
      severity: 'error',
      comment: 'Nothing in src/ imports pipelines/ except src/cli.ts, the composition root.',
      from: { path: '^src/', pathNot: ['^src/cli\\.ts$', ...TESTS] },
      to: { path: '^pipelines/' },
    },
    {
      name: 'services-not-to-serving',
      severity: 'error',
      comment: 'Services (dotation, pack, aggregate, catalog, changes) never import routes/, http/ or app.ts.',
      from: { path: SERVICES, pathNot: TESTS },
      to: { path: ['^src/routes/', '^src/http/', '^src/app\\.ts$'] },
    },
    {
      name: 'http-not-to-routes-or-app',
      severity: 'error',
      comment: 'src/http/ (AppEnv, AppDeps, problem mapper, ETag…) never imports routes/ nor app.ts.',
      from: { path: '^src/http/', pathNot: TESTS },
      to: { path: ['^src/routes/', '^src/app\\.ts$'] },
    },
    {
      name: 'routes-not-to-app',
      severity: 'error',
      comment: 'src/routes/ never imports app.ts (request context types live in src/http/).',
      from: { path: '^src/routes/', pathNot: TESTS },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'lower-layers-not-upwards',
      severity: 'error',
      comment:
        'contract, domain, db, releases, geo never import app.ts, cli.ts, routes/, http/, the services, nor pipelines/.',
      from: { path: LOWER, pathNot: TESTS },
      to: {
        path: [
          '^src/(app|cli)\\.ts$',
          '^src/(routes|http)/',
          SERVICES,
          '^pipelines/',
        ],
      },
    },
    {
      name: 'contract-is-a-leaf',
      severity: 'error',
      comment: 'src/contract/ imports nothing else of the project (packages and node: only).',
      from: { path: '^src/contract/', pathNot: TESTS },
      to: { path: '^(src|pipelines|tests|bench)/', pathNot: '^src/contract/' },
    },
    {
      name: 'pipelines-to-allowed-src-only',
      severity: 'error',
      comment:
        'pipelines/ may import from src/ only contract, domain, db, releases, geo (and the leaf modules config.ts, logger.ts).',
      from: { path: '^pipelines/', pathNot: TESTS },
      to: { path: '^src/', pathNot: SRC_FOR_PIPELINES },
    },
    {
      name: 'framework-not-to-sources',
      severity: 'error',
      comment: 'A source declares, the framework executes: pipelines/framework/ never imports a source folder.',
      from: { path: '^pipelines/framework/', pathNot: TESTS },
      to: { path: '^pipelines/[^/]+/', pathNot: '^pipelines/framework/' },
    },
    {
      name: 'source-not-to-other-source',
      severity: 'error',
      comment: 'A source folder pipelines/<x>/ imports only itself, pipelines/framework/ and the allowed src/ layers.',
      from: { path: '^pipelines/([^/]+)/', pathNot: ['^pipelines/framework/', ...TESTS] },
      to: { path: '^pipelines/', pathNot: ['^pipelines/$1/', '^pipelines/framework/'] },
    },
    {
      name: 'production-not-to-tests',
      severity: 'error',
      comment: 'Production code never imports tests/, bench/ or a *.test.ts file (test helpers stay on the test side).',
      from: { path: '^(src|pipelines)/', pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment:
        'A module nothing imports and that imports nothing is dead (typically left behind by a move). ' +
        'The demo assets are classic browser scripts loaded by <script>, not imported.',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '^src/demo/assets/'] },
      to: {},
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'A package imported but not declared in package.json (only present as a transitive dependency).',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'The runtime image prunes devDependencies (Dockerfile: npm prune --omit=dev): production code ' +
        'may use them for types only.',
      from: { path: '^(src|pipelines)/', pathNot: TESTS },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only', 'pre-compilation-only'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^bench/out/', '^data/', '^dist/'] },
    // Type-only imports and imports of types that vanish on compilation count as dependencies.
    tsPreCompilationDeps: true,
    // Resolution as tsc sees it (NodeNext: `./x.js` in an import names `./x.ts`).
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    moduleSystems: ['es6', 'cjs'],
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
