/** `npx cdk8s synth` (cdk8s.yaml): synthesizes the cdk8s app only, into the directory the CLI names. */
import { buildApps } from './app';

buildApps('k8s').k8s.synth();
