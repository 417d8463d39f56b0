import { AZURE_TOKEN_EXCHANGE_AUDIENCE as AUDIENCE } from '../../core/facts/azure-entra';
import { asList, show } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/**
 * Azure federated identity credentials must use the token exchange audience, and no wildcard. Keys:
 * `Audience::A,B` (the audiences as written, `Audience::` when there are none), `Subject::SUBJECT`.
 */
export const azureFicAudience: GuardrailRule = {
  id: 'KL-G-AZURE-FIC-AUDIENCE',
  info: 'An Azure federated identity credential has an unexpected audience or a wildcard.',
  explanation: 'Entra ID expects `api://AzureADTokenExchange`; another audience means tokens minted for other relying parties can be replayed here, and subjects are matched exactly, so a `*` is either a mistake or an attempt at a pattern that silently never matches.',
  fix: `set audience to ["${AUDIENCE}"] and list exact subjects`,
  check(resource) {
    if (resource.type !== 'azurerm_federated_identity_credential' && resource.type !== 'azuread_application_federated_identity_credential') return NOT_APPLICABLE;
    const findings: RuleFinding[] = [];
    const audiences = asList<unknown>(resource.properties.audience ?? resource.properties.audiences);
    if (audiences.length !== 1 || audiences[0] !== AUDIENCE) {
      findings.push({ key: `Audience::${audiences.map(show).join(',')}`, message: `audience ${JSON.stringify(audiences)}` });
    }
    const subject = resource.properties.subject;
    if (typeof subject === 'string' && /[*?]/.test(subject)) findings.push({ key: `Subject::${subject}`, message: `subject ${subject} contains a wildcard` });
    return verdict(findings);
  },
};
