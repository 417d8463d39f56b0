// `keyless verify` as a library: every federated trust of synthesized output (any tool's), evaluated with the tokens
// its legitimate identities get and with forged variants around them. Framework-free (no aws-cdk-lib, cdktf or cdk8s).
export * from './model';
export { verify, verifyTrust, readTrusts, verifyFails } from './verify';
export type { VerifyOptions } from './verify';
export { tokenSummary } from './report-common';
export { awsTrusts } from './aws';
export { gcpTrusts } from './gcp';
export { azureTrusts } from './azure';
export { legitimateIdentities } from './tokens';
export { forgedVariants, FORGED_FAMILIES } from './forge';
export type { ForgedFamily } from './forge';
export { evaluateTrust, tryEvaluateTrust, UnsupportedTrustPolicyError } from './aws-trust-evaluator';
export type { TrustDecision, TrustPrincipalType, TrustRequest, TrustUnsupported } from './aws-trust-evaluator';
export { verifyJson, verifySarif, verifyMarkdown, verifySummaryLines, VERIFY_COMMENT_MARKER } from './report';
export type { VerifyMarkdownOptions, VerifySarifOptions } from './report';
