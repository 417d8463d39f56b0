export * from './ci-oidc-trust';
export * from './workload-identity';
export * from './scoped-publisher-role';
export * from './break-glass-role';
export * from './identity-stacks';
