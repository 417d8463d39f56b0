export * from './ownership-metadata';
