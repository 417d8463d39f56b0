export * from './ownership-metadata';
export * from './workload-service-account';
