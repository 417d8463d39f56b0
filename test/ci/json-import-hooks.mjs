// @actions/workflow-parser imports its JSON schema without an import attribute (it is built for bundlers); Node needs
// `type: 'json'`, added here for the parser's own JSON files.
export async function load(url, context, next) {
  if (url.endsWith('.json')) return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  return next(url, context);
}
