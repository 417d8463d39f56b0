export * from './ci-oidc-trust';
export * from './workload-identity';
