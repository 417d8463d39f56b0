/** `npx cdktf synth` (cdktf.json): synthesizes the cdktf app only, into the directory the CLI names. */
import { buildApps } from './app';

buildApps('terraform').terraform.synth();
