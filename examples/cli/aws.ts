/** `npx cdk synth` (cdk.json): synthesizes the aws-cdk-lib app only, into the directory the CLI names. */
import { buildApps } from './app';

buildApps('aws').aws.synth();
