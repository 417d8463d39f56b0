import { IResolvable, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { validationContext } from './context';
import { ValidationContext } from '../../core/errors';

// `TYPE.NAME.ATTRIBUTE…` of a managed resource; not `var.`, `local.`, `data.` or `module.` (deploy-time inputs), nor
// resources whose attributes are arbitrary values (`terraform_data`, `null_resource`, `random_*`, `external`).
const RESOURCE_ATTRIBUTE = /^(?!(?:var|local|data|module|terraform_data|null_resource|external)\.)(?!random_)[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_.]+$/;

/**
 * Whether every token in a string is a reference to an attribute of a Terraform resource of the app
 * (`azurerm_resource_group.rg.name`): Terraform resolves it from the declared resource and orders the apply after
 * it. Variables, locals, data sources, module outputs and function calls are not accepted.
 */
export function isTerraformResourceReference(value: string): boolean {
  const tokens = Tokenization.reverseString(value).tokens;
  return tokens.length > 0 && tokens.every((token) => RESOURCE_ATTRIBUTE.test(addressOf(token) ?? ''));
}

/**
 * The Terraform address a cdktf reference token stands for (`azurerm_resource_group.rg.name`), or `undefined` for any
 * other token. cdktf does not export its `Reference` class; a reference is the resolvable with a string `identifier`.
 */
function addressOf(token: IResolvable | undefined): string | undefined {
  const identifier = (token as { identifier?: unknown } | undefined)?.identifier;
  return token?.constructor?.name === 'Reference' && typeof identifier === 'string' ? identifier : undefined;
}

/**
 * A stable key for a value that may hold references (token markers are numbered by creation order, and each
 * attribute read makes a new one): each reference is written as its Terraform address.
 */
export function terraformReferenceKey(value: string): string {
  return value.replace(/\$\{TfToken\[[^\]]+\]\}/g, (marker) => {
    const address = addressOf(Tokenization.reverseString(marker).firstToken);
    return address === undefined ? marker : `\${${address}}`;
  });
}

/** The validation context of a cdktf construct that may name the resource it grants on by reference. */
export function terraformValidationContext(scope: IConstruct): ValidationContext {
  return { ...validationContext(scope), isResourceReference: (value, framework) => framework === 'cdktf' && isTerraformResourceReference(value) };
}
