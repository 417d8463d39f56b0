// Keeps jest snapshots under test/snapshots/, mirroring the test file's path below test/.
const path = require('path');

const testRoot = __dirname;
const snapshotRoot = path.join(__dirname, 'snapshots');

module.exports = {
  resolveSnapshotPath: (testPath, snapshotExtension) =>
    path.join(snapshotRoot, path.relative(testRoot, testPath) + snapshotExtension),
  resolveTestPath: (snapshotPath, snapshotExtension) =>
    path.join(testRoot, path.relative(snapshotRoot, snapshotPath).slice(0, -snapshotExtension.length)),
  testPathForConsistencyCheck: path.join(testRoot, 'core', 'example.test.ts'),
};
