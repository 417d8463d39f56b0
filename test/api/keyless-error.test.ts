/**
 * Issue 15, branded errors: a Keyless error is recognised by its registered brand, so that detection survives two
 * copies of the library in one process (two versions in an app's node_modules), and look-alikes are refused.
 */
import * as vm from 'vm';
import { KeylessError, KeylessErrorDetails } from '../../src';

const DETAILS: KeylessErrorDetails = { code: 'KL-TEST', path: 'App/Trust', prop: 'source.owner', problem: 'is "acme*"', fix: 'name the owner' };
const MESSAGE = '[KL-TEST] App/Trust: `source.owner` is "acme*". Fix: name the owner.';

/** A second copy of the library's error module, as another version of the package would load it. */
function secondCopy(): typeof import('../../src/core/errors') {
  let copy: typeof import('../../src/core/errors') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../../src/core/errors');
  });
  return copy!;
}

describe('KeylessError.isKeylessError and instanceof', () => {
  test('an error of this copy: both hold, and the error reads as before', () => {
    const error = new KeylessError(DETAILS);
    expect(KeylessError.isKeylessError(error)).toBe(true);
    expect(error instanceof KeylessError).toBe(true);
    expect(error instanceof Error).toBe(true);
    expect([error.name, error.message, error.code, error.path, error.prop]).toEqual(['KeylessError', MESSAGE, 'KL-TEST', 'App/Trust', 'source.owner']);
  });

  test('an error thrown by a second copy of the library is a Keyless error for this one, and the reverse', () => {
    const other = secondCopy();
    expect(other.KeylessError).not.toBe(KeylessError);
    const fromOther = new other.KeylessError(DETAILS);
    expect(KeylessError.isKeylessError(fromOther)).toBe(true);
    expect(fromOther instanceof KeylessError).toBe(true);
    expect(other.KeylessError.isKeylessError(new KeylessError(DETAILS))).toBe(true);
    expect(new KeylessError(DETAILS) instanceof other.KeylessError).toBe(true);
    expect(() => other.fail(DETAILS)).toThrow(KeylessError);
    expect(() => other.fail(DETAILS)).toThrow(MESSAGE);
  });

  test('a value branded in another realm (vm context) is recognised: the brand is a registered symbol', () => {
    const foreign = vm.runInNewContext(`(() => {
      const error = new Error('[KL-TEST] from another realm');
      Object.defineProperty(error, Symbol.for('@keyless/constructs.KeylessError'), { value: true });
      return error;
    })()`);
    expect(foreign instanceof Error).toBe(false); // another realm's Error
    expect(KeylessError.isKeylessError(foreign)).toBe(true);
    expect(foreign instanceof KeylessError).toBe(true);
  });

  test('look-alikes are refused: the name, the code or the message do not make a Keyless error', () => {
    const lookAlikes: unknown[] = [
      Object.assign(new Error(MESSAGE), { name: 'KeylessError', code: 'KL-TEST', path: 'App/Trust', prop: 'source.owner' }),
      { name: 'KeylessError', message: MESSAGE, code: 'KL-TEST' },
      { [Symbol('@keyless/constructs.KeylessError')]: true }, // an unregistered symbol of the same description
      { [Symbol.for('@keyless/constructs.KeylessError')]: 'true' },
      { [Symbol.for('@keyless/constructs.KeylessError')]: 1 },
      { [Symbol.for('@keyless/constructs.CiSource')]: true },
      { '@keyless/constructs.KeylessError': true },
      Object.create(null),
      new Proxy({}, { get: () => { throw new Error('hostile'); } }),
      MESSAGE,
      42,
      null,
      undefined,
    ];
    expect(lookAlikes.map((value) => KeylessError.isKeylessError(value))).toEqual(lookAlikes.map(() => false));
    expect(lookAlikes.map((value) => value instanceof KeylessError)).toEqual(lookAlikes.map(() => false));
  });

  test('a subclass keeps the usual instanceof: a plain Keyless error is not an instance of it', () => {
    class SpecialError extends KeylessError {}
    const special = new SpecialError(DETAILS);
    expect([special instanceof SpecialError, special instanceof KeylessError, KeylessError.isKeylessError(special)]).toEqual([true, true, true]);
    expect(new KeylessError(DETAILS) instanceof SpecialError).toBe(false);
  });

  test('the brand is not enumerable: errors serialise and compare as before', () => {
    const error = new KeylessError(DETAILS);
    expect(Object.keys(error).sort()).toEqual(['code', 'name', 'path', 'prop']);
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'KeylessError', code: 'KL-TEST', path: 'App/Trust', prop: 'source.owner' });
  });
});
