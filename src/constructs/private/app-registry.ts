import { IConstruct } from 'constructs';

/**
 * A map kept per app (construct tree root), for facts decided once across every stack of the app: claimed names,
 * shared pools and providers, bindings. Weakly held, so that an app's entries go with the app.
 *
 * @returns a function giving the app's map for any construct of it
 */
export function appRegistry<V>(): (scope: IConstruct) => Map<string, V> {
  const byApp = new WeakMap<IConstruct, Map<string, V>>();
  return (scope) => {
    const root = scope.node.root;
    let map = byApp.get(root);
    if (!map) byApp.set(root, map = new Map());
    return map;
  };
}
