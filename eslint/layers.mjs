// The layer rule of docs/architecture.md, as an ESLint rule (`layers/layers`, run by `npm run lint`).
//
// Every file under src/ belongs to one module: a folder of src/features, or web, db, base (lib, config.ts,
// paths.ts) or root (app.ts, server.ts, housekeeping.ts). Each module sits on a layer, and a file may import
// only from its own module or from a module on a LOWER layer: never upward, never sideways within a layer
// (so no two modules can import each other, and no cycle can pass between modules). Type-only imports count
// too. And a feature may not take a value from another feature's `*.model.ts` (the mongoose model and its
// collection): it reads another feature's data through that feature's exported service functions. A type
// from a model (`import type`) gives no access to the collection and is allowed.
import path from 'node:path';

/** Lowest first. Modules on one line are side by side and may not import each other. */
export const LAYERS = [
  ['base'], //                          src/lib, src/config.ts, src/paths.ts
  ['db'], //                            connection, claims, the embedded FerretDB, maintenance
  ['web'], //                           what every page shares, and identity (the signed-in user, roles)
  ['audit', 'mail'],
  ['taxonomy', 'accounts'], //          accounts: users, sign-in, invitations, security events
  ['notifications', 'schools'],
  ['listings', 'plans'], //             pen portraits, with recommendations; schools' support plans
  ['commissions', 'nominations', 'sips'], // commissions, with their feedback and the report figures' ledger; good-practice nominations; SIP profiles, licences, matching (reads plans' priorities)
  ['directory'], //                     search, shortlists, print, open data
  ['reports'],
  ['dashboards', 'privacy', 'help'], // composition: pages and duties that span features
  ['root'], //                          app.ts, server.ts, housekeeping.ts: the wiring
];

/**
 * Value imports of another feature's model that are allowed, each with its reason. Keyed by
 * "<importing file, from src/> -> <model file, from src/>"; `*` as the importing file's name covers a folder.
 */
export const MODEL_IMPORT_EXCEPTIONS = {
  'features/privacy/* -> *':
    'Personal-data export and erasure must read (and erase) every collection that holds personal data, field by ' +
    'field; keeping that list in one module is what makes it reviewable against the data map. Each feature ' +
    'exporting its own personal-data functions instead is the follow-up.',
};

const layerOf = new Map(LAYERS.flatMap((modules, layer) => modules.map((name) => [name, layer])));

/** The module a file under src/ belongs to, or undefined outside src/. */
export function moduleOf(fileFromSrc) {
  const parts = fileFromSrc.split('/');
  if (parts[0] === 'features') return parts.length > 2 ? parts[1] : undefined;
  if (parts[0] === 'lib' || fileFromSrc === 'config.ts' || fileFromSrc === 'paths.ts') return 'base';
  if (parts[0] === 'db' || parts[0] === 'web') return parts[0];
  if (parts.length === 1) return 'root';
  return undefined;
}

function exceptionFor(from, to) {
  for (const [key, reason] of Object.entries(MODEL_IMPORT_EXCEPTIONS)) {
    const [a, b] = key.split(' -> ');
    const matches = (pattern, file) => (pattern.endsWith('*') ? file.startsWith(pattern.slice(0, -1)) : pattern === file);
    if (matches(a, from) && matches(b, to)) return reason;
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between src/ modules only point down the layers of docs/architecture.md; no feature imports another feature\'s model' },
    schema: [],
    messages: {
      upward: '{{from}} (layer {{fromLayer}}) may not import {{to}} (layer {{toLayer}}): imports only point down the layers of docs/architecture.md. Pass it in from createApp, or move the shared part down.',
      unknown: 'src/{{file}} is in no module of eslint/layers.mjs: add its folder to LAYERS.',
      model: '{{from}} may not import a value from {{to}}, another feature\'s model: use that feature\'s service functions (or `import type` for a type).',
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    const src = path.join(context.cwd ?? process.cwd(), 'src');
    const fromFile = path.relative(src, filename).split(path.sep).join('/');
    if (fromFile.startsWith('..') || path.isAbsolute(fromFile)) return {};
    const fromModule = moduleOf(fromFile);

    function check(node, source, typeOnly) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      if (fromModule === undefined || !layerOf.has(fromModule)) {
        context.report({ node, messageId: 'unknown', data: { file: fromFile } });
        return;
      }
      const target = path.relative(src, path.resolve(path.dirname(filename), source.value)).split(path.sep).join('/');
      if (target.startsWith('..')) return; // seed/, outside the layers
      const toFile = /\.[cm]?[jt]s$/.test(target) ? target : `${target}.ts`;
      const toModule = moduleOf(toFile);
      if (toModule === undefined || toModule === fromModule) return;
      const fromLayer = layerOf.get(fromModule);
      const toLayer = layerOf.get(toModule);
      if (toLayer === undefined || toLayer >= fromLayer) {
        context.report({ node, messageId: 'upward', data: { from: fromModule, fromLayer, to: toModule, toLayer: toLayer ?? '?' } });
        return;
      }
      if (!typeOnly && toFile.endsWith('.model.ts') && fromFile.startsWith('features/') && !exceptionFor(fromFile, toFile)) {
        context.report({ node, messageId: 'model', data: { from: fromFile, to: toFile } });
      }
    }
    const allTypes = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
    };
  },
};

export default { rules: { layers: rule } };
