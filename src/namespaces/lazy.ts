/**
 * The root's namespaces (`aws`, `gcp`, …) load their entry point on first use, so that importing
 * `@keyless/constructs` loads no framework, and a team that installed only some frameworks can use the root.
 *
 * Each namespace has two files: `NAME.d.ts` gives it the types of the entry point (everything it exports, types
 * included, so `aws.CiOidcTrustProps` works), and `NAME/index.ts` its runtime: an object that reads the entry point's
 * exports once the namespace is used. TypeScript resolves `./NAME` to the `.d.ts`, Node to the directory.
 */

/** Keys that tools read on any object (promise resolution, conversions): answered without loading, as a module would. */
const PROBES = new Set<string | symbol>(['then', 'toJSON', Symbol.toPrimitive, Symbol.toStringTag]);

/**
 * A read-only object that stands for the exports of an entry point and loads it when one of them is first read (or
 * listed). A failure to load (a framework missing: a Keyless error naming it) is thrown there, and again on the next
 * use: nothing is cached until it loads.
 */
export function lazyNamespace(load: () => object): object {
  let loaded: object | undefined;
  const exports = (): object => (loaded ??= load());
  return new Proxy(Object.create(null) as object, {
    get: (_target, key) => {
      // A namespace object: TypeScript's and bundlers' interop read `__esModule` and return the object as is.
      if (key === '__esModule') return true;
      if (PROBES.has(key) && !loaded) return undefined;
      return Reflect.get(exports(), key);
    },
    has: (_target, key) => key === '__esModule' || Reflect.has(exports(), key),
    ownKeys: () => Reflect.ownKeys(exports()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(exports(), key);
      if (!descriptor) return undefined;
      // Reported as read-only values (the proxy's empty target cannot hold non-configurable properties).
      return { value: Reflect.get(exports(), key), enumerable: descriptor.enumerable, writable: false, configurable: true };
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
    setPrototypeOf: () => false,
  });
}
