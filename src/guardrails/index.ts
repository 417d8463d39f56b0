export * from './model';
export * from './exceptions';
export * from './engine';
export * from '../synth/read';
export * from './rules';
export type { GuardrailOptions } from './adapters/validation';
export * from './adapters/aws';
export * from './adapters/cdktf';
export * from './adapters/cdk8s';
