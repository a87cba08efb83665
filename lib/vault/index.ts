import { Construct } from 'constructs';
import { kvSecretV2 } from '@cdktf/provider-vault';
export interface BarProps { readonly name: string }
export class Bar extends Construct {
  public readonly secret: kvSecretV2.KvSecretV2;
  constructor(scope: Construct, id: string, props: BarProps) { super(scope, id); this.secret = new kvSecretV2.KvSecretV2(this, 'S', { mount: 'kv', name: props.name }); }
}
