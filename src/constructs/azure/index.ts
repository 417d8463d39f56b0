export * from './ci-oidc-trust';
